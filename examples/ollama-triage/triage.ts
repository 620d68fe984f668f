// Triage with a local model: the statistical detector scores every point; the Ollama detector gives a second
// opinion on its findings, off the hot path. The trend detector forecasts the disk filling up, and a predictive
// rule alerts on that forecast with the model's assessment. When an alert fires, the alert manager has the
// model investigate its group on its own and sends the answer once as a follow-up. Every sample is recorded in
// an @argus/store store, which the model's detector reads as `history` (the context of each judgement) and for its
// `schedule`: the disk is reviewed every 5 s even without a finding. Without a reachable Ollama (or without the
// model) it says what is missing and runs the statistical part alone.
import { createAlertManager, type Notifier, predictiveRule } from '@argus/alerting';
import { createPipeline, type Finding, MetricBatchBuilder, type Source } from '@argus/core';
import { ollamaAnalyst, ollamaDetector } from '@argus/detector-ollama';
import { robustZDetector, trendDetector } from '@argus/detectors';
import { createStore, storeSink } from '@argus/store';

/** What the run found: the statistical findings and the verdicts that came back for them. */
export interface Triage {
  readonly model: 'used' | 'noServer' | 'noModel';
  readonly findings: Finding[];
  readonly judged: Finding[];
  /** What the alert manager sent: `<reason>: <alertnames>` per notification, follow-ups included. */
  readonly notifications: string[];
  /** Samples the history store recorded. */
  stored: number;
  /** Scheduled reviews the model's detector ran (confirmed ones are in `reviewed`). */
  reviews: number;
  /** Findings of scheduled reviews the model confirmed. */
  readonly reviewed: Finding[];
}

const OLLAMA = 'ollama';

/** Whether `host` answers and lists `model` (a name without a tag means `:latest`). */
export async function checkOllama(host: string, model: string): Promise<Triage['model']> {
  try {
    const r = await fetch(new URL('/api/tags', host), { signal: AbortSignal.timeout(3_000) });
    const { models } = (await r.json()) as { models: { name: string }[] };
    const want = model.includes(':') ? model : `${model}:latest`;
    return models.some((m) => m.name === model || m.name === want) ? 'used' : 'noModel';
  } catch {
    return 'noServer';
  }
}

/**
 * Two CPU series and a disk filling up, one sample per poll, 15 s apart in data time, the 80th about now (so the
 * scheduled review, which reads the last hour before now, finds them); web-2 spikes at sample 60.
 */
function cpu(): Source & { polled(): number } {
  let i = 0;
  const t0 = Date.now() - 80 * 15_000;
  return {
    kind: 'source',
    name: 'cpu',
    apiVersion: 1,
    defaultIntervalMs: 20,
    polled: () => i,
    poll(ctx) {
      const b = new MetricBatchBuilder();
      const t = t0 + i * 15_000;
      for (const host of ['web-1', 'web-2']) {
        const v = 40 + 5 * Math.sin(i / 5) + (host === 'web-2' && i === 60 ? 55 : 0);
        b.pushLabels(ctx.series, { __name__: 'cpu_percent', instance: host }, t, v);
      }
      // 600 GB, +2.5 GB a sample (600 GB an hour): below the 900 GB limit at the end, forecast to cross it within the hour
      b.pushLabels(ctx.series, { __name__: 'disk_used_bytes', instance: 'db-1' }, t, 600e9 + 2.5e9 * i);
      i++;
      return b.build();
    },
  };
}

/** Runs 80 samples, then waits up to `waitMs` for verdicts. */
export async function runTriage(
  host: string,
  model: string,
  log = console.log,
  waitMs = 300_000,
): Promise<Triage> {
  const state = await checkOllama(host, model);
  if (state === 'noServer')
    log(
      `No Ollama answers at ${host}. Install it (https://ollama.com), run \`ollama serve\`, set OLLAMA_HOST if it is elsewhere. Running the statistical part only.`,
    );
  if (state === 'noModel')
    log(`Ollama at ${host} lacks ${model}: run \`ollama pull ${model}\`. Running the statistical part only.`);
  const used = state === 'used';
  // in memory here; give it a dataDir to keep the history across runs
  const store = createStore({ retentionMs: 86_400_000 });
  const detectors = [
    robustZDetector({ warmupSamples: 30 }),
    trendDetector({ crossAbove: 900e9, horizonMs: 3_600_000 }),
    ...(used
      ? [
          {
            use: ollamaDetector({
              name: OLLAMA,
              model,
              host,
              anonymizeLabels: ['instance'],
              history: store,
              // every 5 s to show it in a short run; minutes or hours in production (each review is a model call)
              schedule: { series: ['disk_used_bytes'], intervalMs: 5_000 },
            }),
            timeoutMs: waitMs,
          },
        ]
      : []),
  ];
  const out: Triage = {
    model: state,
    findings: [],
    judged: [],
    notifications: [],
    stored: 0,
    reviews: 0,
    reviewed: [],
  };
  // the notifications go to the log here; in production a webhook, Slack or PagerDuty notifier
  const toLog: Notifier = {
    kind: 'notifier',
    name: 'log',
    async send(n) {
      const names = n.alerts.map((a) => a.labels['alertname']).join(', ');
      out.notifications.push(`${n.reason}: ${names}`);
      log(`notification (${n.reason}): ${names}`);
      for (const a of n.alerts)
        if (a.annotations['ai_recommendations']) log(a.annotations['ai_recommendations']);
      return { ok: true };
    },
  };
  const analyst = used ? ollamaAnalyst({ model, host, anonymizeLabels: ['instance'] }) : undefined;
  await analyst?.start();
  const am = createAlertManager({
    config: {
      route: { receiver: 'log', groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: 600_000 },
      receivers: [{ name: 'log', notifiers: [toLog] }],
    },
    durable: false,
    ...(analyst
      ? { investigation: { investigate: (g, ctx) => analyst.investigate(g, ctx), timeoutMs: waitMs } }
      : {}),
  });
  const source = cpu();
  const pipeline = createPipeline({
    sources: [source],
    detectors,
    // the forecast alone fires (the model, when there, can dismiss it): 'confirmed' would wait for the model
    alerters: [
      predictiveRule({ alert: 'DiskFillsSoon', selector: 'disk_used_bytes', verdict: 'notDismissed' }),
    ],
    sinks: [am.sink(), storeSink(store)],
  });
  const reviews = (): number => pipeline.stats().plugins[OLLAMA]?.custom['scheduled'] ?? 0;
  pipeline.on('finding', (f) => {
    // a scheduled review the model confirmed comes as the model detector's own finding, already judged
    if (f.detector === OLLAMA) {
      out.reviewed.push(f);
      log(`scheduled review: ${f.kind} — ${f.explanation}`);
      return;
    }
    out.findings.push(f);
    log(`finding: ${f.kind} score ${f.score.toFixed(2)} — ${f.explanation}`);
  });
  pipeline.on('findingUpdated', (f) => {
    if (f.detector === OLLAMA) return;
    out.judged.push(f);
    const v = f.verdicts?.at(-1);
    log(v?.unjudged ? `unjudged (${v.unjudged})` : `verdict: confirmed=${v?.confirmed} — ${v?.explanation}`);
  });
  await pipeline.start();
  while (source.polled() < 80) await new Promise((r) => setTimeout(r, 50));
  const until = Date.now() + waitMs;
  const investigating = () =>
    am.investigations().started >
    am.investigations().followUps + am.investigations().unanswered + am.investigations().stale;
  const pending = (): boolean => out.judged.length < out.findings.length || investigating() || reviews() < 1;
  while (used && pending() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await pipeline.stop();
  analyst?.stop();
  out.reviews = reviews();
  out.stored = store.stats().samples;
  await store.close();
  return out;
}
