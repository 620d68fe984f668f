import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEnsembleModel, pointOut } from '../src/index.js';

// The embedded preset's ensemble scored by main's code before per-series state was paged (issue 13), made by
// fixtures/make-preset-golden.mjs: the same stream must score identically, and main's snapshots must restore.
interface Series {
  id: number;
  t0: number;
  stepMs: number;
  values: (number | null)[];
}
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/preset-golden.json', import.meta.url), 'utf8'),
) as {
  options: Record<string, unknown>;
  series: Series[];
  events: [number, number][];
  half: number;
  scores: number[];
  z: number[];
  snapshotHalf: unknown[];
  snapshotEnd: unknown[];
};
const { series, events } = golden;

function feed(model: ReturnType<typeof createEnsembleModel>, from: number, to: number) {
  const out = pointOut();
  const scores: number[] = [];
  const z: number[] = [];
  for (let e = from; e < to; e++) {
    const [k, i] = events[e] as [number, number];
    const s = series[k] as Series;
    scores.push(model.update(s.id, s.t0 + i * s.stepMs, s.values[i] ?? Number.NaN, out));
    z.push(out.z);
  }
  return { scores, z };
}

describe("the preset's ensemble against main's scores and snapshots", () => {
  it('scores every sample as main did, and saves the same state', () => {
    const model = createEnsembleModel(golden.options);
    const got = feed(model, 0, events.length);
    expect(got.scores).toEqual(golden.scores);
    expect(got.z).toEqual(golden.z);
    expect(series.map((s) => model.save(s.id))).toEqual(golden.snapshotEnd);
  });

  it("restores main's half-way snapshots and goes on exactly as main did", () => {
    const model = createEnsembleModel(golden.options);
    series.forEach((s, k) => {
      const saved = golden.snapshotHalf[k];
      if (saved !== null && saved !== undefined) model.load(s.id, saved);
    });
    const got = feed(model, golden.half, events.length);
    expect(got.scores).toEqual(golden.scores.slice(golden.half));
    expect(got.z).toEqual(golden.z.slice(golden.half));
    expect(series.map((s) => model.save(s.id))).toEqual(golden.snapshotEnd);
  });
});
