import { createPipeline, type Finding } from '@argus/core';
import { rate } from '@argus/processors';
import { generateSeries } from '@argus/source-synthetic';
import { manualSource, memorySink } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { ensembleDetector } from '../src/index.js';

const STEP = 300_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

// A counter of ~50 requests/s with a daily cycle, restarted at every midnight (the generator's default) and once more
// at 15:00 UTC on day 5 (an injected reset): six resets after the ensemble's warm-up.
const counter = generateSeries(
  { kind: 'counter', base: 50, daily: 10, noise: 2, anomalies: [{ kind: 'reset', at: T0 + 4.625 * DAY }] },
  { from: T0, to: T0 + 7 * DAY, stepMs: STEP, seed: 3 },
);
const resets: number[] = [];
for (let i = 1; i < counter.values.length; i++) {
  if ((counter.values[i] as number) < (counter.values[i - 1] as number))
    resets.push(counter.timestamps[i] as number);
}

/** Streams the counter through `mode` of the rate processor and the default ensemble in a real pipeline. */
async function findingsThrough(mode: 'rate' | 'delta'): Promise<Finding[]> {
  const source = manualSource({ name: 'requests' });
  const sink = memorySink({ accepts: ['findings'] });
  const pipeline = createPipeline({
    sources: [source],
    processors: [rate({ mode })],
    detectors: [ensembleDetector({})],
    sinks: [sink],
  });
  await pipeline.start();
  const labels = { __name__: 'http_requests_total', job: 'api' };
  for (let s = 0; s < counter.values.length; s += 50) {
    const rows = [];
    for (let i = s; i < Math.min(counter.values.length, s + 50); i++) {
      rows.push({ labels, timestamp: counter.timestamps[i] as number, value: counter.values[i] as number });
    }
    expect(await source.pushSamples(rows)).toBe(true);
  }
  await pipeline.stop();
  return sink.findings();
}

const atReset = (found: Finding[]): Finding[] =>
  found.filter((f) => resets.some((r) => f.timestamp >= r && f.timestamp <= r + STEP));

describe('counter resets through the rate processor', () => {
  it('the series has the resets the test is about', () => {
    expect(resets).toContain(T0 + 4.625 * DAY);
    expect(resets.filter((r) => r > T0 + DAY / 2)).toHaveLength(7); // six midnights + the injected one
  });

  it('rate → ensemble: no finding at any reset', async () => {
    expect(atReset(await findingsThrough('rate'))).toEqual([]);
  });

  it('control: a plain difference (delta, no reset handling) → ensemble reports the first reset', async () => {
    // Later resets drop by about as much, so they fall inside the range the ensemble has learned by then.
    const found = atReset(await findingsThrough('delta'));
    expect(found.map((f) => f.timestamp)).toContain(T0 + DAY);
  });
});
