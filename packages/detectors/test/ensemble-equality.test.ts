import { describe, expect, it } from 'vitest';
import { ensembleMembers, ensembleOptions, pointOut } from '../src/index.js';
import { ensembleModel } from '../src/models/ensemble.js';
import type { PointOut } from '../src/util/score.js';
import { noise, uniform } from './helpers.js';
import { ensembleModel as ensembleBefore } from './reference/ensemble-before.js';

// The ensemble skips its likelihood's tail (erfc, log) where the score is not shown and cannot reach freezeAt, and
// writes the winner's band straight into `out` (issue 13: per-sample cost). Every output must keep its bits: the
// same streams through the code as it was (test/reference) and as it is, compared with Object.is.
type Build = typeof ensembleModel;

function build(make: Build, input: Record<string, unknown>) {
  const o = ensembleOptions.parse(input);
  return make({
    ...o,
    members: ensembleMembers(o),
    memberWarmupSamples: o.warmupSamples,
    warmupSamples: o.warmupSamples + o.calibrationSamples,
  });
}

/** A value stream with noise, spikes, dips, level shifts, constant runs and the odd NaN, from `seed`. */
function stream(seed: number, n: number): number[] {
  const u = uniform(seed);
  const e = noise(seed + 1);
  const values: number[] = [];
  let level = 100 * u();
  let scale = 0.1 + 5 * u();
  for (let i = 0; i < n; i++) {
    const r = u();
    if (r < 0.004) level += (u() - 0.5) * 40 * scale;
    if (r > 0.996) scale = 0.1 + 5 * u();
    const base = i % 300 < 40 && seed % 3 === 0 ? level : level + scale * e();
    const shock = r > 0.97 ? (u() - 0.3) * 30 * scale : 0;
    values.push(r > 0.4 && r < 0.403 ? Number.NaN : Math.round((base + shock) * 100) / 100);
  }
  return values;
}

const same = (a: PointOut, b: PointOut): boolean =>
  Object.is(a.score, b.score) &&
  Object.is(a.z, b.z) &&
  Object.is(a.expected, b.expected) &&
  Object.is(a.lower, b.lower) &&
  Object.is(a.upper, b.upper) &&
  a.kind === b.kind;

const OPTION_SETS: Record<string, unknown>[] = [
  // packages/node's preset
  { suppressSamples: 0, freezeAt: 0.6, currentAtLeast: 0.5, warmupSamples: 30, calibrationSamples: 10 },
  { warmupSamples: 30, calibrationSamples: 10 },
  { freezeAt: 0.3, currentAtLeast: 0.2, suppressSamples: 3, warmupSamples: 25, calibrationSamples: 5 },
  { freezeAt: 0.9, currentAtLeast: 0.8, warmupSamples: 25, calibrationSamples: 5, averageSamples: 3 },
  { freezeAt: 0, currentAtLeast: 0.5, warmupSamples: 20, calibrationSamples: 0 },
  { freezeAt: 0.04, currentAtLeast: 0.5, warmupSamples: 20, rangeTolerance: null },
  { freezeAt: 1, currentAtLeast: 1, warmupSamples: 20, varianceFloor: 0, meanFloor: 0 },
  {
    members: ['robustZ', 'mad', 'flatline', 'onlineSeasonal'],
    freezeAt: 0.5,
    currentAtLeast: 0.4,
    warmupSamples: 30,
    calibrationSamples: 10,
  },
];

describe('the ensemble scores with the same bits as before its per-sample work was cut', () => {
  it.each(OPTION_SETS.map((o, k) => [k, o] as const))('option set %i', (_k, options) => {
    const now = build(ensembleModel, options);
    const before = build(ensembleBefore as Build, options);
    const a = pointOut();
    const b = pointOut();
    const series = 12;
    const streams = Array.from({ length: series }, (_, id) => stream(100 * id + 7, 1500));
    const t0 = Date.UTC(2026, 0, 5);
    let differ = 0;
    let shown = 0;
    for (let i = 0; i < 1500; i++) {
      for (let id = 0; id < series; id++) {
        const v = (streams[id] as number[])[i] as number;
        // ids on both sides of a page, steps from a second to an hour
        const sid = id * 211;
        const t = t0 + i * (1000 << (id % 12));
        const sa = now.update(sid, t, v, a);
        const sb = before.update(sid, t, v, b);
        if (!Object.is(sa, sb) || !same(a, b) || now.lastMember() !== before.lastMember()) differ++;
        else if (sa > 0 && now.explain(a, v) !== before.explain(b, v)) differ++;
        if (sa > 0) shown++;
      }
    }
    expect(differ).toBe(0);
    // the streams must reach the scores this is about, or the test proves nothing
    expect(shown).toBeGreaterThan(50);
    for (let id = 0; id < series; id++) expect(now.save(id * 211)).toEqual(before.save(id * 211));
  });
});
