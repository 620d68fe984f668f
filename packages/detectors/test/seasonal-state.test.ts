import { describe, expect, it } from 'vitest';
import { seasonalModel, seasonalOptions } from '../src/index.js';
import { scaleFloor as floor, pointOut } from '../src/util/score.js';
import { uniform as rng } from './helpers.js';

// The seasonal model keeps warm-up sums inline for two hours, in a dense block past that, and offsets only for
// series that chose a season. Reference: the plain layout it replaced, a 504-number profile per series (offset,
// warm-up sum, warm-up count per hour-of-week slot), written here with plain arrays.
const HOUR = 3_600_000;
const SLOTS = 168;

interface RefSeries {
  level: number;
  resid: number;
  n: number;
  slots: number;
  width: number;
  prof: number[];
}

function referenceModel(o: ReturnType<typeof seasonalOptions.parse>) {
  const series = new Map<number, RefSeries>();
  const foldedMeans = (s: RefSeries, slots: number, fn: (slot: number, sum: number, cnt: number) => void) => {
    for (let slot = 0; slot < slots; slot++) {
      let sum = 0;
      let cnt = 0;
      for (let k = slot; k < SLOTS; k += slots) {
        sum += s.prof[SLOTS + k]!;
        cnt += s.prof[2 * SLOTS + k]!;
      }
      fn(slot, sum, cnt);
    }
  };
  const choose = (s: RefSeries) => {
    const candidates = o.periodMs === 'auto' ? [86_400_000, 7 * 86_400_000] : [o.periodMs];
    let best = 0;
    let bestGain = o.periodMs === 'auto' ? o.minExplained : Number.NEGATIVE_INFINITY;
    for (const period of candidates) {
      let between = 0;
      let all = 0;
      foldedMeans(s, Math.min(SLOTS, Math.round(period / HOUR)), (_slot, sum, cnt) => {
        if (cnt > 1) between += cnt * (sum / cnt - s.level) ** 2;
        all += cnt;
      });
      const gain = (all > 0 ? between / all : 0) / (s.resid + floor(s.level));
      if (gain > bestGain + 0.05) {
        best = period;
        bestGain = gain;
      }
    }
    s.width = o.periodMs === 'auto' ? HOUR : o.slotMs;
    s.slots = best === 0 ? 1 : Math.min(SLOTS, Math.ceil(best / s.width));
    for (let i = 0; i < SLOTS; i++) s.prof[i] = 0;
    if (best === 0) return;
    foldedMeans(s, s.slots, (slot, sum, cnt) => {
      s.prof[slot] = cnt > 0 ? sum / cnt - s.level : 0;
    });
    s.resid = Math.max(s.resid * (1 - bestGain), 0);
  };
  return (id: number, t: number, v: number) => {
    let s = series.get(id);
    if (!s) {
      s = { level: 0, resid: 0, n: 0, slots: 0, width: 0, prof: new Array(3 * SLOTS).fill(0) };
      series.set(id, s);
    }
    s.n++;
    if (s.n <= o.warmupSamples) {
      const hour = Math.floor(t / HOUR) % SLOTS;
      s.prof[SLOTS + hour] = s.prof[SLOTS + hour]! + v;
      s.prof[2 * SLOTS + hour] = s.prof[2 * SLOTS + hour]! + 1;
      const m = s.level;
      const a = 1 / s.n;
      s.level = m + a * (v - m);
      s.resid = (1 - a) * (s.resid + a * (v - m) ** 2);
      if (s.n === o.warmupSamples) choose(s);
      return 0;
    }
    const idx = s.slots <= 1 ? 0 : Math.floor(t / s.width) % s.slots;
    const sd = Math.sqrt(s.resid) + floor(s.level);
    const expected = s.level + s.prof[idx]!;
    const r = v - expected;
    const rc = Math.max(-3 * sd, Math.min(3 * sd, r));
    s.level += o.levelAlpha * rc;
    if (s.slots > 1) s.prof[idx] = s.prof[idx]! + o.seasonAlpha * rc;
    s.resid = (1 - o.levelAlpha) * (s.resid + o.levelAlpha * rc * rc);
    return Math.abs(r) / sd;
  };
}

/** Series with and without a daily season, sampled every 15 s to every 2 h, with gaps. */
function streams(seed: number, seriesCount: number) {
  const r = rng(seed);
  return Array.from({ length: seriesCount }, () => {
    const step = [15_000, 60_000, 300_000, 1_800_000, 7_200_000][Math.floor(r() * 5)]!;
    const amplitude = r() < 0.5 ? 0 : 20 * r();
    const level = 100 * r();
    let t = 1_700_000_000_000 + Math.floor(r() * 86_400_000);
    return Array.from({ length: 400 }, () => {
      t += step * (r() < 0.05 ? 1 + Math.floor(r() * 20) : 1);
      const day = Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
      return { t, v: level + amplitude * day + (r() - 0.5) * 4 };
    });
  });
}

describe('seasonal model state layout', () => {
  for (const [label, opts] of [
    ['auto period', {}],
    ['fixed daily period, 30-minute slots', { periodMs: 86_400_000, slotMs: 1_800_000 }],
    ['short warm-up', { warmupSamples: 20 }],
  ] as const) {
    it(`scores exactly as the dense per-series profile on random streams (${label})`, () => {
      for (const seed of [1, 7, 42]) {
        const o = seasonalOptions.parse(opts);
        const model = seasonalModel(o);
        const ref = referenceModel(o);
        const data = streams(seed, 12);
        const out = pointOut();
        // interleave the series, ids not in order, as a pipeline's batches do
        for (let i = 0; i < 400; i++) {
          for (let s = 0; s < data.length; s++) {
            const id = (s * 7) % 13;
            const { t, v } = data[s]![i]!;
            model.update(id, t, v, out);
            expect(out.z, `seed ${seed} series ${s} sample ${i}`).toBe(ref(id, t, v));
          }
        }
      }
    });
  }

  it('a snapshot taken mid-warm-up or after it restores into a fresh model that goes on identically', () => {
    const o = seasonalOptions.parse({});
    const data = streams(99, 6);
    for (const cut of [3, 60, 119, 121, 300]) {
      const a = seasonalModel(o);
      const out = pointOut();
      for (let i = 0; i < cut; i++)
        for (let s = 0; s < data.length; s++) a.update(s, data[s]![i]!.t, data[s]![i]!.v, out);
      const b = seasonalModel(o);
      for (let s = 0; s < data.length; s++) b.load(s, JSON.parse(JSON.stringify(a.save(s))));
      const outB = pointOut();
      for (let i = cut; i < 400; i++) {
        for (let s = 0; s < data.length; s++) {
          const { t, v } = data[s]![i]!;
          a.update(s, t, v, out);
          b.update(s, t, v, outB);
          expect(outB.z, `cut ${cut} series ${s} sample ${i}`).toBe(out.z);
        }
      }
    }
  });

  it('snapshots carry the head, warm-up sums by hour and offsets only when seasonal; dense ones still load', () => {
    const o = seasonalOptions.parse({});
    const model = seasonalModel(o);
    const out = pointOut();
    expect(model.save(0)).toBeUndefined();
    for (let i = 0; i < 5; i++) model.update(0, i * 2_000_000, 10 + i, out);
    // five samples 2,000 s apart fall in hours 0, 0, 1, 1, 2: (hour, sum, count)
    expect(model.save(0)).toEqual({ head: expect.any(Array), hours: [0, 21, 2, 1, 25, 2, 2, 14, 1] });
    // the same state written the old way, a dense 504-number profile, restores to the same model
    const { head } = model.save(0) as { head: number[] };
    const profile = new Array(504).fill(0);
    Object.assign(profile, { 168: 21, 169: 25, 170: 14, 336: 2, 337: 2, 338: 1 });
    const old = seasonalModel(o);
    old.load(0, { head, profile });
    expect(old.save(0)).toEqual(model.save(0));
    // after warm-up a series without a season keeps its head only
    const flat = seasonalModel(o);
    for (let i = 0; i < 200; i++) flat.update(0, i * 15_000, 5 + (i % 3), out);
    expect(Object.keys(flat.save(0) as object)).toEqual(['head']);
    expect(() => flat.load(1, { head, hours: [200, 1, 1] })).toThrow(/seasonal: snapshot field hours/);
  });
});
