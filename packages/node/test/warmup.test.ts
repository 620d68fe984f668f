import type { Labels } from '@argus/core';
import { ensembleDetector } from '@argus/detectors';
import { batchFromRows, testStageContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { withWarmup } from '../src/warmup.js';

const LAT = { __name__: 'argus:http_request_duration_seconds:mean', route: '/' };
const HEAP = { __name__: 'nodejs_heap_size_used_bytes' };

/** Feeds `values` of each series, one read per index; returns the findings' [series name, read index]. */
function feed(d: ReturnType<typeof withWarmup>, ctx = testStageContext(), rows: [Labels, number[]][]) {
  const out: [string, number][] = [];
  const reads = Math.max(...rows.map(([, v]) => v.length));
  for (let i = 0; i < reads; i++) {
    const batch = batchFromRows(
      ctx.series,
      rows
        .filter(([, v]) => i < v.length)
        .map(([labels, v]) => ({ labels, timestamp: i * 1000, value: v[i]! })),
    );
    for (const f of d.detect!(batch, ctx) ?? []) out.push([ctx.series.labels(f.series).__name__!, i]);
  }
  return out;
}
const steady = (n: number, level: number): number[] =>
  Array.from({ length: n }, (_, i) => level * (1 + (i % 3) * 0.01));

describe('withWarmup', () => {
  it('judges with the early check only the series earlyFor accepts (a heap that grows at start-up is left alone)', () => {
    const d = withWarmup(ensembleDetector({}), {
      samplesNeeded: 140,
      earlyFor: (l) => l.__name__ !== HEAP.__name__,
    });
    const found = feed(d, undefined, [
      [LAT, [...steady(10, 0.005), 0.5]],
      [HEAP, [...steady(10, 8e6), 1.6e8]],
    ]);
    expect(found).toEqual([[LAT.__name__, 10]]);
    expect(d.status()).toMatchObject({ series: 2, warm: 0, ready: false });
  });

  it('reads a snapshot saved before warm-up counts existed: its series count as learned', () => {
    const ctx = testStageContext();
    const bare = ensembleDetector({});
    bare.detect!(batchFromRows(ctx.series, [{ labels: LAT, timestamp: 0, value: 0.005 }]), ctx);
    const d = withWarmup(ensembleDetector({}), { samplesNeeded: 140 });
    d.restore!(bare.snapshot!(ctx), testStageContext());
    expect(d.status()).toMatchObject({ restored: 1, warm: 1, ready: true });
  });

  it('refuses a snapshot without its seen list (the pipeline reports it and starts fresh), skips bad entries', () => {
    const d = withWarmup(ensembleDetector({}), { samplesNeeded: 140 });
    expect(() => d.restore!({ version: 2 }, testStageContext())).toThrow(
      /ensemble: warm-up snapshot has no seen list/,
    );
    d.restore!({ version: 2, seen: [[LAT, 'x'], 'junk', [LAT, 140]] }, testStageContext());
    expect(d.status()).toMatchObject({ restored: 1, warm: 1 });
  });
});
