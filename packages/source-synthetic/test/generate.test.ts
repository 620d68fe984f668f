import { describe, expect, it } from 'vitest';
import { type AnomalyKind, generateSeries, type SeriesSpec } from '../src/index.js';

const STEP = 10_000;
const range = { from: 1_700_000_000_000, to: 1_700_000_000_000 + 6 * 3_600_000, stepMs: STEP, seed: 42 };
const spec: SeriesSpec = { base: 100, noise: 3, daily: 20, weekly: 5, trendPerHour: 1, originMs: range.from };

function concat(...parts: Float64Array[]): number[] {
  return parts.flatMap((p) => Array.from(p));
}

describe('generateSeries: determinism', () => {
  it('returns identical output for identical inputs', () => {
    const a = generateSeries({ ...spec, randomAnomalies: { ratePerDay: 20 } }, range);
    const b = generateSeries({ ...spec, randomAnomalies: { ratePerDay: 20 } }, range);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(a.anomalies).toEqual(b.anomalies);
  });

  it('differs with another seed or series index', () => {
    const a = generateSeries(spec, range);
    expect(Array.from(generateSeries(spec, { ...range, seed: 43 }).values)).not.toEqual(Array.from(a.values));
    expect(Array.from(generateSeries(spec, { ...range, seriesIndex: 1 }).values)).not.toEqual(
      Array.from(a.values),
    );
  });

  it('puts samples on the step grid, in time order, with noise of about the declared size', () => {
    const flat = generateSeries({ base: 50, noise: 2 }, { ...range, from: range.from + 1 });
    expect(flat.timestamps[0]).toBe(range.from + STEP);
    for (const t of flat.timestamps) expect(t % STEP).toBe(0);
    const n = flat.values.length;
    const mean = flat.values.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(flat.values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 50)).toBeLessThan(0.5);
    expect(sd).toBeGreaterThan(1.6);
    expect(sd).toBeLessThan(2.4);
  });

  it.each([
    ['gauge', { ...spec, randomAnomalies: { ratePerDay: 30, kinds: ['spike', 'gap', 'flatline', 'drift'] } }],
    [
      'counter',
      {
        base: 5,
        noise: 1,
        kind: 'counter',
        restartEveryMs: 3_600_000,
        randomAnomalies: { ratePerDay: 30, kinds: ['reset', 'gap', 'dip'] },
      },
    ],
  ] as [string, SeriesSpec][])('%s: generating [a,c) equals [a,b) + [b,c) exactly', (_, s) => {
    const mid = range.from + 2 * 3_600_000 + 12_345;
    const whole = generateSeries(s, range);
    const left = generateSeries(s, { ...range, to: mid });
    const right = generateSeries(s, { ...range, from: mid });
    expect(concat(left.timestamps, right.timestamps)).toEqual(Array.from(whole.timestamps));
    expect(concat(left.values, right.values)).toEqual(Array.from(whole.values));
    expect([...left.labels, ...right.labels]).toEqual([...whole.labels]);
    expect(whole.anomalies.length).toBeGreaterThan(0);
  });
});

describe('generateSeries: anomalies', () => {
  const at = range.from + 3 * 3_600_000;
  const clean = generateSeries(spec, range);
  const kinds: AnomalyKind[] = ['spike', 'dip', 'levelShift', 'drift', 'flatline', 'reset'];

  it.each(kinds)('%s changes the series inside its window and nowhere else', (kind) => {
    const durationMs = 20 * STEP;
    const out = generateSeries({ ...spec, anomalies: [{ kind, at, durationMs, magnitude: 40 }] }, range);
    const [w] = out.anomalies;
    expect(w).toMatchObject({ kind, start: at });
    const end = at + durationMs;
    expect(w?.end).toBe(end);
    let changed = 0;
    for (let i = 0; i < out.values.length; i++) {
      const t = out.timestamps[i]!;
      const inside = t >= at && t < end;
      expect(out.labels[i]).toBe(inside ? 1 : 0);
      if (!inside) expect(out.values[i]).toBe(clean.values[i]);
      else if (out.values[i] !== clean.values[i]) changed++;
    }
    // a flatline holds the level of its first point, which therefore equals the clean series
    expect(changed).toBe(kind === 'flatline' ? 19 : 20);
  });

  it('a flatline holds one value for its whole window', () => {
    const out = generateSeries(
      { ...spec, anomalies: [{ kind: 'flatline', at, durationMs: 10 * STEP }] },
      range,
    );
    const inside = Array.from(out.values).filter((_, i) => out.labels[i] === 1);
    expect(inside).toHaveLength(10);
    expect(new Set(inside).size).toBe(1);
  });

  it('a gap removes exactly the samples of its window', () => {
    const out = generateSeries({ ...spec, anomalies: [{ kind: 'gap', at, durationMs: 7 * STEP }] }, range);
    expect(out.values.length).toBe(clean.values.length - 7);
    expect(Array.from(out.timestamps).some((t) => t >= at && t < at + 7 * STEP)).toBe(false);
    expect(out.anomalies).toEqual([{ kind: 'gap', start: at, end: at + 7 * STEP }]);
  });

  it('resolves a fractional `at` against the range and rounds it up to the step grid', () => {
    const out = generateSeries({ base: 1, anomalies: [{ kind: 'spike', at: 0.5, magnitude: 5 }] }, range);
    const mid = range.from + (range.to - range.from) / 2;
    expect(out.anomalies[0]?.start).toBe(Math.ceil(mid / STEP) * STEP);
    expect(out.values[out.labels.indexOf(1)]).toBe(6);
  });

  it('draws random anomalies at about the requested rate', () => {
    const week = { ...range, to: range.from + 7 * 86_400_000, stepMs: 60_000 };
    const out = generateSeries({ base: 10, noise: 1, randomAnomalies: { ratePerDay: 12 } }, week);
    expect(out.anomalies.length).toBeGreaterThan(50);
    expect(out.anomalies.length).toBeLessThan(120);
  });
});

describe('generateSeries: counters', () => {
  const counterSpec: SeriesSpec = {
    kind: 'counter',
    base: 20,
    noise: 30,
    daily: 5,
    restartEveryMs: 2 * 3_600_000,
  };

  it('never decreases except at a restart or an injected reset', () => {
    const reset = range.from + 3_600_000 + 5 * STEP;
    const out = generateSeries({ ...counterSpec, anomalies: [{ kind: 'reset', at: reset }] }, range);
    const drops: number[] = [];
    for (let i = 1; i < out.values.length; i++) {
      if (out.values[i]! < out.values[i - 1]!) drops.push(out.timestamps[i]!);
    }
    const restarts = drops.filter((t) => t % (2 * 3_600_000) === 0);
    expect(drops.filter((t) => !restarts.includes(t))).toEqual([reset]);
    expect(restarts.length).toBe(3);
  });

  it('grows by about base × seconds', () => {
    const out = generateSeries({ kind: 'counter', base: 20, noise: 1 }, { ...range, from: 0, to: 3_600_000 });
    expect(out.values.at(-1)! / 3600).toBeCloseTo(20, 0);
  });
});

describe('generateSeries: bad input', () => {
  it('names the field of a bad spec', () => {
    expect(() => generateSeries({ noise: -1 }, range)).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining('noise') }),
    );
    expect(() => generateSeries({ anomalies: [{ kind: 'wobble' as AnomalyKind, at: 1 }] }, range)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('anomalies[0].kind') }),
    );
  });

  it('refuses a zero step', () => {
    expect(() => generateSeries({}, { ...range, stepMs: 0 })).toThrow(RangeError);
  });
});
