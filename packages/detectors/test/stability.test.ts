import { describe, expect, it } from 'vitest';
import {
  ENSEMBLE_MEMBERS,
  ensembleDetector,
  flatlineDetector,
  memberModel,
  pointOut,
  seasonalDetector,
} from '../src/index.js';
import { feed, seasonal, stageContext } from './helpers.js';

describe('numerical stability', () => {
  for (const name of ENSEMBLE_MEMBERS) {
    it(`${name}: scores stay in [0,1] for huge, tiny, constant and NaN-laced series`, () => {
      const cases = [
        (x: number) => 1e15 + x * 1e3,
        (x: number) => 1e-12 * x,
        () => 42,
        (x: number, i: number) => (i % 50 === 0 ? Number.NaN : x),
      ];
      for (const shape of cases) {
        const m = memberModel(name);
        const out = pointOut();
        const { t, v } = seasonal(1000, 9);
        for (let i = 0; i < 1000; i++) {
          const s = m.update(0, t[i] as number, shape(v[i] as number, i), out);
          expect(s >= 0 && s <= 1).toBe(true);
        }
      }
    });
  }

  it('a constant series gives no findings; a change on it scores high', () => {
    const { t } = seasonal(800, 1);
    const v = new Float64Array(800).fill(5);
    expect(feed(ensembleDetector({}), t, v)).toEqual([]);
    const m = memberModel('robustZ');
    const out = pointOut();
    for (let i = 0; i < 400; i++) m.update(0, t[i] as number, 5, out);
    expect(m.update(0, t[400] as number, 6, out)).toBeGreaterThan(0.99);
  });

  it('stale samples and rejected series ids are skipped', () => {
    const det = flatlineDetector({});
    const ctx = stageContext();
    const batch = {
      kind: 'metrics' as const,
      length: 2,
      series: Int32Array.from([-1, 0]),
      timestamps: Float64Array.from([0, 1]),
      values: Float64Array.from([1, 1]),
      stale: Uint8Array.from([0, 1]),
    };
    expect(det.detect?.(batch, ctx)).toBeUndefined();
  });
});

describe('snapshot and restore', () => {
  for (const make of [() => seasonalDetector({ minScore: 0 }), () => ensembleDetector({ minScore: 0 })]) {
    it(`${make().name}: a restart with restored state scores exactly like an uninterrupted run`, () => {
      const { t, v } = seasonal(1200, 4);
      const whole = feed(make(), t, v).map((f) => f.score);
      const first = make();
      const ctxA = stageContext();
      const a = feed(first, t.slice(0, 700), v.slice(0, 700), ctxA);
      const saved = JSON.parse(JSON.stringify(first.snapshot?.(ctxA)));
      const second = make();
      const ctxB = stageContext();
      ctxB.series.intern({ __name__: 'other' }); // ids differ after the restart
      second.restore?.(saved, ctxB);
      const b = feed(second, t.slice(700), v.slice(700), ctxB);
      expect([...a, ...b].map((f) => f.score)).toEqual(whole);
    });
  }

  it('malformed state throws, naming the detector', () => {
    const det = seasonalDetector({});
    expect(() => det.restore?.({ nope: 1 }, stageContext())).toThrow(/seasonal/);
  });
});

describe('ar: long runs stay finite', () => {
  it('a constant series for 300k samples keeps the least-squares state bounded, and a change still scores', () => {
    const m = memberModel('ar');
    const out = pointOut();
    for (let i = 0; i < 300_000; i++) m.update(0, i * 60_000, 7, out);
    const state = m.save(0) as number[];
    expect(state.every((x) => Number.isFinite(x))).toBe(true);
    expect(m.update(0, 300_000 * 60_000, 8, out)).toBeGreaterThan(0.99);
  });
});
