import { type Alert, createPipeline, memoryStateStore } from '@argus/core';
import { fakeClock, manualSource, testSink } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { createAlertManager, thresholdRule, webhookNotifier } from '../src/index.js';
import { recorder } from './am-helpers.js';

const config = (r = recorder()) => ({
  route: { receiver: 'r', groupBy: ['alertname'], groupWaitMs: 1000, groupIntervalMs: 2000 },
  receivers: [{ name: 'r', notifiers: [r] }],
});

/** A firing alert `A` as a rule would emit it; the manager computes the fingerprint. */
const firingA = (): Alert => ({
  labels: { alertname: 'A' },
  annotations: {},
  state: 'firing',
  startsAt: 0,
  fingerprint: '',
  origin: 't',
});

testSink(() => createAlertManager({ config: config() }).sink());

describe('rules → alert manager in a pipeline', () => {
  it('a threshold rule fires through the manager sink, grouped, and resolves', async () => {
    const clock = fakeClock({ now: 1_000_000 });
    const r = recorder();
    const am = createAlertManager({ config: config(r) });
    const source = manualSource({ name: 'src' });
    const pipeline = createPipeline({
      clock,
      sources: [source],
      alerters: [
        thresholdRule({
          alert: 'Hot',
          selector: 'temp',
          threshold: 50,
          annotations: { summary: '{{ $labels.room }} at {{ $value }}' },
        }),
      ],
      sinks: [am.sink()],
      evaluateIntervalMs: 3_600_000,
    });
    await pipeline.start();
    await source.pushSamples([
      { labels: { __name__: 'temp', room: 'a' }, value: 60 },
      { labels: { __name__: 'temp', room: 'b' }, value: 70 },
    ]);
    await new Promise((res) => setTimeout(res, 20));
    await clock.advanceAsync(1000);
    await source.pushSamples([{ labels: { __name__: 'temp', room: 'a' }, value: 10 }]);
    await new Promise((res) => setTimeout(res, 20));
    await clock.advanceAsync(2000);
    await pipeline.stop();
    expect(
      r.sent.map((n) => `${n.reason}:${n.alerts.map((a) => `${a.labels['room']}=${a.status}`).join(',')}`),
    ).toEqual(['first notification:a=firing,b=firing', 'some alerts resolved:a=resolved,b=firing']);
    expect(r.sent[0]!.alerts[0]!.annotations).toEqual({ summary: 'a at 60' });
  });
});

describe('durable extras', () => {
  it('silences, acks and history survive a restart on the same store', async () => {
    const store = memoryStateStore();
    const clock = fakeClock({ now: 0 });
    const first = createAlertManager({ config: config(), clock, state: store });
    await first.start();
    first.ingest([firingA()]);
    const fp = first.alerts()[0]!.fingerprint;
    first.ack(fp, 'ann', 'on it');
    const id = first.silence({ matchers: ['alertname="B"'], endsAt: 60_000, createdBy: 'bob', comment: 'x' });
    await first.stop();
    const second = createAlertManager({ config: config(), clock, state: store });
    await second.start();
    expect(second.alerts()[0]).toMatchObject({ fingerprint: fp, ack: { by: 'ann', comment: 'on it' } });
    expect(second.silences()).toMatchObject([{ id, state: 'active' }]);
    expect(second.history().map((h) => h.event)).toEqual(['silenced', 'acked', 'firing']);
    await second.stop();
  });

  it('keeps secrets out of dead letters, history and logs', async () => {
    const clock = fakeClock({ now: 0 });
    const logs: string[] = [];
    const log = {
      debug: () => {},
      info: () => {},
      warn: (m: string) => void logs.push(m),
      error: (m: string) => void logs.push(m),
    };
    const am = createAlertManager({
      clock,
      log: log as never,
      delivery: { maxAttempts: 1 },
      config: {
        route: { receiver: 'w', groupWaitMs: 0 },
        receivers: [
          {
            name: 'w',
            notifiers: [
              webhookNotifier({
                url: 'http://127.0.0.1:9/hook/TOPSECRET?token=TOPSECRET',
                headers: { authorization: 'Bearer TOPSECRET' },
              }),
            ],
          },
        ],
      },
    });
    await am.start();
    am.ingest([firingA()]);
    for (let i = 0; i < 50 && am.deadLetters().length === 0; i++) {
      await clock.advanceAsync(100);
      await new Promise((res) => setTimeout(res, 10));
    }
    const everything = JSON.stringify([am.deadLetters(), am.history(), logs]);
    expect(am.deadLetters()).toHaveLength(1);
    expect(everything).toContain('127.0.0.1:9');
    expect(everything).not.toContain('TOPSECRET');
    await am.stop();
  });
});
