import { describe, expect, it } from 'vitest';
import { memberModel, onlineSeasonalModel, onlineSeasonalOptions, pointOut } from '../src/index.js';
import { noise, seasonal } from './helpers.js';

const DAY_SAMPLES = 288; // 5-minute samples
const model = (o: Record<string, unknown> = {}) => onlineSeasonalModel(onlineSeasonalOptions.parse(o));

/** Feeds a series and returns each sample's score and kind. */
function run(m: ReturnType<typeof model>, t: Float64Array, v: Float64Array) {
  const out = pointOut();
  const scores: number[] = [];
  const kinds: string[] = [];
  for (let i = 0; i < t.length; i++) {
    scores.push(m.update(0, t[i] as number, v[i] as number, out));
    kinds.push(out.kind);
  }
  return { scores, kinds };
}

describe('onlineSeasonal', () => {
  // daily ±20 around 100, noise sd 2; on day 4, +35 for half an hour at the trough: inside the range the series has
  // shown (about 78..122), anomalous only for the time of day
  const { t, v } = seasonal(5 * DAY_SAMPLES, 3);
  const trough = (t: number) => Math.sin((2 * Math.PI * t) / 86_400_000) < -0.99;
  let at = 4 * DAY_SAMPLES;
  while (!trough(t[at] as number)) at++;
  for (let i = at; i < at + 6; i++) v[i] = (v[i] as number) + 35;

  it('uses the daily season only once the series spans two days, then flags a time-of-day anomaly', () => {
    const { scores, kinds } = run(model(), t, v);
    expect(kinds.slice(0, 2 * DAY_SAMPLES - 1)).not.toContain('seasonalDeviation');
    expect(kinds.slice(2 * DAY_SAMPLES + 10).every((k) => k === 'seasonalDeviation')).toBe(true);
    // about 8σ from the daily profile; a level-only baseline (robust-z) sees about 1σ
    expect(Math.max(...scores.slice(at, at + 6))).toBeGreaterThan(0.7);
    const levelOnly = run(memberModel('robustZ'), t, v).scores;
    expect(Math.max(...levelOnly.slice(at, at + 6))).toBeLessThan(0.2);
    const clean = scores.filter((s, i) => i > 2 * DAY_SAMPLES + 10 && (i < at || i >= at + 6) && s >= 0.5);
    expect(clean.length).toBeLessThanOrEqual(0.01 * 3 * DAY_SAMPLES);
  });

  it('a level-only series never takes a season; periodsBeforeUse delays the choice', () => {
    const rnd = noise(5);
    const flat = Float64Array.from(t, () => 100 + 2 * rnd());
    expect(run(model(), t, flat).kinds).not.toContain('seasonalDeviation');
    const late = run(model({ periodsBeforeUse: 3 }), t, v).kinds;
    expect(late.slice(0, 3 * DAY_SAMPLES - 1)).not.toContain('seasonalDeviation');
    expect(late.at(-1)).toBe('seasonalDeviation');
  });

  it('surpriseScale multiplies the surprise', () => {
    const out = pointOut();
    const a = model();
    const b = model({ surpriseScale: 0.5 });
    for (let i = 0; i < 700; i++) {
      a.update(0, t[i] as number, v[i] as number, out);
      const z = out.z;
      b.update(0, t[i] as number, v[i] as number, out);
      expect(out.z).toBeCloseTo(z * 0.5, 12);
    }
  });

  it('snapshot/restore continues exactly, and malformed snapshots are refused naming the model', () => {
    const a = model();
    const out = pointOut();
    for (let i = 0; i < 900; i++) a.update(0, t[i] as number, v[i] as number, out);
    const b = model();
    b.load(7, JSON.parse(JSON.stringify(a.save(0))));
    for (let i = 900; i < 1200; i++) {
      expect(b.update(7, t[i] as number, v[i] as number, out)).toBe(
        a.update(0, t[i] as number, v[i] as number, out),
      );
    }
    expect(() => b.load(1, [1, 2, 3])).toThrow(/onlineSeasonal/);
    expect(model().save(3)).toBeUndefined();
  });

  it("keeps a series' first hour in its head and scores it as its blocks would", () => {
    // a: its first-hour offsets in the head until a sample falls in another hour; b: loaded from a's snapshot after
    // two samples, so its offsets are in blocks from then on. Every output and snapshot must match, bit for bit
    // (the head rounds an offset to 32 bits as a block does), across the hour's end and after.
    const t0 = Date.UTC(2026, 11, 7, 9, 0, 5);
    const a = model({ warmupSamples: 10 });
    const b = model({ warmupSamples: 10 });
    const oa = pointOut();
    const ob = pointOut();
    const value = (i: number) => 100 + 10 * Math.sin(i / 7) + ((i * 7919) % 13) / 3 + (i === 200 ? 60 : 0);
    for (let i = 0; i < 2; i++) a.update(3, t0 + i * 15_000, value(i), oa);
    b.load(3, a.save(3));
    const saved = a.save(3) as number[];
    expect(saved.slice(6).some((x) => x !== 0)).toBe(true); // b's offsets are in blocks
    for (let i = 2; i < 1000; i++) {
      const t = t0 + i * 15_000; // the first hour ends at i = 240
      expect(a.update(3, t, value(i), oa)).toBe(b.update(3, t, value(i), ob));
      expect([oa.z, oa.expected, oa.lower, oa.upper, oa.kind]).toEqual([
        ob.z,
        ob.expected,
        ob.lower,
        ob.upper,
        ob.kind,
      ]);
      if (i % 50 === 0 || i === 239) expect(a.save(3)).toEqual(b.save(3));
    }
  });

  it('keeps series apart: each scores interleaved with 300 others as it does alone', () => {
    // hourly samples for 8 days from a different hour per series, so blocks are taken as series reach each day of
    // the week in turn
    const n = 300;
    const t0 = Date.UTC(2026, 11, 3, 0, 0, 5); // a Thursday: day 0 of the week in hours since the epoch
    const value = (id: number, i: number) => 100 + 10 * Math.sin((i + id) / 4) + ((i * 7919 + id) % 13) / 3;
    const together = model({ warmupSamples: 10 });
    const out = pointOut();
    const got: number[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < 200; i++)
      for (let id = 0; id < n; id++) {
        out.expected = Number.NaN; // (a series' first sample leaves it as it was)
        together.update(id, t0 + (id % 24) * 3_600_000 + i * 3_600_000, value(id, i), out);
        got[id]!.push(out.z, out.expected);
      }
    for (const id of [0, 1, 7, 150, 299]) {
      const alone = model({ warmupSamples: 10 });
      const want: number[] = [];
      for (let i = 0; i < 200; i++) {
        out.expected = Number.NaN;
        alone.update(id, t0 + (id % 24) * 3_600_000 + i * 3_600_000, value(id, i), out);
        want.push(out.z, out.expected);
      }
      expect(got[id]).toEqual(want);
      expect(together.save(id)).toEqual(alone.save(id));
    }
  });

  it('rejects bad options naming the field', () => {
    expect(() => onlineSeasonalOptions.parse({ minExplained: 2 })).toThrow(/minExplained/);
    expect(() => onlineSeasonalOptions.parse({ periodsBeforeUse: 0 })).toThrow(/periodsBeforeUse/);
  });
});
