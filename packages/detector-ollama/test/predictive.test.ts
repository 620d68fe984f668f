// Predictive alerts end to end in a pipeline: the trend detector's forecast ("disk_used_ratio crosses 0.9 within
// 6 h") → the Ollama detector judges it as a prediction (a local server speaking the Ollama API, scripted) → the
// late verdict re-enters the alerters → predictiveRule fires only once the model confirmed, with the forecast and
// the model's assessment as annotations.

import { predictiveRule } from '@argus/alerting';
import type { Alert } from '@argus/core';
import { trendDetector } from '@argus/detectors';
import { harness } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ollamaDetector } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, MODEL, until, updates } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  await fake.close();
});

const T = Date.UTC(2026, 11, 7);
const MIN = 60_000;
const DISK = { __name__: 'disk_used_ratio', instance: 'db-1' };
/** A disk filling by 1 % an hour with a little noise: at 0.80 after 50 samples, 0.9 is about 10 h away. */
const samples = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    labels: DISK,
    timestamp: T + (from + i) * 5 * MIN,
    value: 0.76 + (from + i) * (0.01 / 12) + ((from + i) % 3) * 0.0005,
  }));

/** Runs the pipeline until `done` holds for the alerts and the verdicts so far. */
async function run(reply: string, done: (alerts: Alert[], verdicts: number) => boolean): Promise<Alert[]> {
  fake.fallback = { kind: 'answer', content: reply };
  const rule = predictiveRule({ alert: 'DiskFillsSoon', verdict: 'confirmed', severity: 'warning' });
  const h = harness(rule, {
    detectors: [
      trendDetector({ crossAbove: 0.9, horizonMs: 12 * 60 * MIN, windowSamples: 24 }),
      ollamaDetector({ model: MODEL, host: fake.url, minScore: 0.5 }),
    ],
  });
  const updated = updates(h.pipeline);
  await h.pipeline.start();
  await h.source.pushSamples(samples(0, 48));
  await until(() => expect(done(h.out.alerts(), updated.length)).toBe(true));
  await h.pipeline.stop();
  return h.out.alerts();
}

describe('predictive alerts: trend forecast + the model’s assessment, with their own rule', () => {
  it('fires once the model confirms the forecast, carrying the forecast and the assessment', async () => {
    const alerts = await run(
      answer({ kind: 'trend', explanation: 'steady growth since the last deploy' }),
      (as) => as.some((a) => a.state === 'firing'),
    );
    const firing = alerts.filter((a) => a.state === 'firing');
    expect(firing.length).toBeGreaterThan(0);
    expect(firing[0]).toMatchObject({
      labels: { alertname: 'DiskFillsSoon', instance: 'db-1', severity: 'warning' },
      annotations: {
        forecast: expect.stringMatching(/crosses the limit/),
        ai_confirmed: 'true',
        ai_assessment: 'steady growth since the last deploy',
      },
    });
    // the question asked was the forecast one
    const user = JSON.parse((fake.received[0]!.body['messages'] as { content: string }[])[1]!.content);
    expect(user['statistical_finding']).toMatchObject({ kind: 'forecastBreach' });
  });

  it('a forecast the model dismisses never fires', async () => {
    const alerts = await run(
      answer({ is_anomaly: false, explanation: 'cleanup runs nightly' }),
      (_, verdicts) => verdicts >= 3,
    );
    expect(alerts.filter((a) => a.state === 'firing')).toEqual([]);
    expect(fake.received.length).toBeGreaterThan(0);
  });
});
