// The alerting demo as a function, so the test can run it and check what the receiver got.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlertManager, thresholdRule } from '@argus/alerting';
import { createPipeline, type MetricBatch, MetricBatchBuilder, type Source } from '@argus/core';
import { slackNotifier } from '@argus/notifiers';

/** A Slack message as the local receiver got it. */
export interface Received {
  at: number;
  text: string;
  lines: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU of three hosts: all hot at first; web-2 recovers after 2 s. */
function cpuSource(t0: number): Source {
  return {
    kind: 'source',
    name: 'cpu',
    apiVersion: 1,
    defaultIntervalMs: 200,
    poll(ctx): MetricBatch {
      const b = new MetricBatchBuilder();
      const now = ctx.clock.now();
      for (const host of ['web-1', 'web-2', 'web-3']) {
        const hot = host !== 'web-2' || now - t0 < 2000;
        b.pushLabels(ctx.series, { __name__: 'cpu_percent', instance: host, job: 'web' }, now, hot ? 97 : 20);
      }
      return b.build();
    },
  };
}

/** Runs the demo for about 7 s: prints (via `log`) and returns what the Slack-style receiver got. */
export async function runDemo(log: (line: string) => void = console.log): Promise<Received[]> {
  const received: Received[] = [];
  const t0 = Date.now();
  // a local stand-in for https://hooks.slack.com/services/…: answers 200 "ok" like Slack
  const slack = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = JSON.parse(body) as { text: string; blocks: { type: string; text?: { text: string } }[] };
      const lines = msg.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
      received.push({ at: Date.now() - t0, text: msg.text, lines });
      log(`[slack +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg.text}\n    ${lines.join('\n    ')}`);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T000/B000/XXXX`;

  const am = createAlertManager({
    config: {
      route: {
        receiver: 'slack',
        groupBy: ['alertname'],
        groupWaitMs: 500,
        groupIntervalMs: 1000,
        repeatIntervalMs: 2000,
      },
      receivers: [{ name: 'slack', notifiers: [slackNotifier({ url })] }],
    },
  });
  const pipeline = createPipeline({
    sources: [cpuSource(t0)],
    alerters: [
      thresholdRule({
        alert: 'HighCPU',
        selector: 'cpu_percent{job="web"}',
        threshold: 90,
        resolveThreshold: 80,
        severity: 'warning',
        annotations: { summary: 'CPU {{ $value }}% on {{ $labels.instance }}' },
      }),
    ],
    sinks: [am.sink()],
  });
  await pipeline.start();
  // grouping: the three hot hosts arrive as one message after group_wait
  await sleep(1500 - (Date.now() - t0));
  log('[demo] silencing web-3 (maintenance)');
  am.silence({
    matchers: ['instance="web-3"'],
    endsAt: Date.now() + 3_600_000,
    createdBy: 'demo',
    comment: 'maintenance',
  });
  // web-2 recovers at 2 s: the next message shows it resolved, and web-3 is silenced
  await sleep(3200 - (Date.now() - t0));
  const web1 = am.alerts().find((a) => a.labels['instance'] === 'web-1')!;
  log('[demo] acknowledging web-1: no more repeats until it changes');
  am.ack(web1.fingerprint, 'demo', 'looking into it');
  await sleep(7000 - (Date.now() - t0));
  await pipeline.stop();
  for (const h of am.history({ events: ['firing', 'resolved', 'acked', 'silenced', 'notified'] }).reverse()) {
    log(
      `[history +${((h.at - t0) / 1000).toFixed(1)}s] ${h.event} ${h.labels?.['instance'] ?? h.receiver ?? ''} ${h.reason ?? ''}`,
    );
  }
  await new Promise<void>((r) => slack.close(() => r()));
  return received;
}
