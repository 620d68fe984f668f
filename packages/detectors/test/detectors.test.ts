import { describe, expect, it } from 'vitest';
import {
  arDetector,
  changePointDetector,
  ensembleDetector,
  flatlineDetector,
  madDetector,
  robustZDetector,
  seasonalDetector,
  trendDetector,
} from '../src/index.js';
import { feed, STEP_MS, seasonal, T0 } from './helpers.js';

const N = 2016; // one week of 5-minute samples
const AT = 1500;
const detectors = {
  'robust-z': () => robustZDetector({}),
  mad: () => madDetector({}),
  seasonal: () => seasonalDetector({}),
  ar: () => arDetector({}),
  ensemble: () => ensembleDetector({}),
};

describe('spike detectors', () => {
  for (const [name, make] of Object.entries(detectors)) {
    it(`${name}: stays quiet on clean seasonal data (false-positive rate ≤ 1%)`, () => {
      const { t, v } = seasonal(N, 7);
      const findings = feed(make(), t, v);
      expect(findings.length / N).toBeLessThanOrEqual(0.01);
    });

    it(`${name}: flags a +150 spike on the sample it happens, with band and explanation`, () => {
      const { t, v } = seasonal(N, 3);
      v[AT] = (v[AT] as number) + 150;
      const hit = feed(make(), t, v).find((f) => f.timestamp === t[AT]);
      expect(hit).toBeDefined();
      expect(hit?.score).toBeGreaterThan(0);
      expect(hit?.score).toBeLessThanOrEqual(1);
      expect(hit?.explanation).toMatch(/value/);
      expect(hit?.expected?.lower).toBeLessThan(hit?.expected?.upper ?? Number.NaN);
    });
  }

  it('seasonal: the expected band follows the daily shape', () => {
    const { t, v } = seasonal(N, 5);
    v[AT] = (v[AT] as number) + 60;
    const hit = feed(seasonalDetector({}), t, v).find((f) => f.timestamp === t[AT]);
    const truth = 100 + 20 * Math.sin((2 * Math.PI * (t[AT] as number)) / 86_400_000);
    expect(Math.abs((hit?.expected?.value ?? 0) - truth)).toBeLessThan(6);
  });
});

describe('change point', () => {
  it('flags a +3σ level shift within 20 samples and is quiet before it', () => {
    const { t, v } = seasonal(N, 11, 100, 0, 2);
    for (let i = AT; i < N; i++) v[i] = (v[i] as number) + 6;
    const found = feed(changePointDetector({}), t, v);
    expect(found.filter((f) => (f.timestamp as number) < (t[AT] as number)).length).toBe(0);
    const first = found.find((f) => f.timestamp >= (t[AT] as number));
    expect(first?.kind).toBe('levelShift');
    expect(((first?.timestamp as number) - (t[AT] as number)) / STEP_MS).toBeLessThan(20);
  });
});

describe('flatline and missing data', () => {
  it('flags a stuck value within 25 samples (minScore 0.8 at 2.5 × minRunSamples) and a gap of 5 intervals', () => {
    const { t, v } = seasonal(N, 13);
    for (let i = AT; i < AT + 40; i++) v[i] = v[AT] as number;
    for (let i = 1800; i < N; i++) t[i] = (t[i] as number) + 20 * STEP_MS;
    const found = feed(flatlineDetector({}), t, v);
    const stuck = found.find((f) => f.kind === 'flatline');
    expect(stuck).toBeDefined();
    expect(((stuck?.timestamp as number) - (t[AT] as number)) / STEP_MS).toBeLessThanOrEqual(25);
    expect(found.find((f) => f.kind === 'missing')?.timestamp).toBe(t[1800]);
    expect(found.every((f) => f.timestamp >= (t[AT] as number))).toBe(true);
  });

  it('repeated and backwards timestamps are not gaps', () => {
    const { t, v } = seasonal(600, 2);
    t[400] = t[399] as number;
    t[450] = (t[449] as number) - 3_600_000;
    expect(feed(flatlineDetector({}), t, v).filter((f) => f.kind === 'missing')).toEqual([]);
  });
});

describe('trend and forecast', () => {
  it('predicts "will cross 500 within an hour" before the value gets there', () => {
    const n = 600;
    const t = Float64Array.from({ length: n }, (_, i) => T0 + i * STEP_MS);
    const v = Float64Array.from({ length: n }, (_, i) => 100 + (i > 300 ? (i - 300) * 2 : 0) + (i % 3));
    const found = feed(trendDetector({ crossAbove: 500, horizonMs: 3_600_000 }), t, v);
    const first = found.find((f) => f.kind === 'forecastBreach');
    expect(first).toBeDefined();
    expect(first?.value).toBeLessThan(500);
    expect(first?.expected?.value).toBeGreaterThanOrEqual(500);
  });
});

describe('options', () => {
  it('bad options throw ERR_PLUGIN_OPTIONS naming the field', () => {
    expect(() => robustZDetector({ alpha: 2 })).toThrow(/alpha/);
    expect(() => madDetector({ windowSamples: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS' }),
    );
    expect(() => seasonalDetector({ periodMs: 7 * 86_400_000, slotMs: 60_000 })).toThrow(/slotMs/);
    expect(() => trendDetector({ crossAbove: 1, crossBelow: 5 })).toThrow(/crossBelow/);
    expect(() => ensembleDetector({ members: [] })).toThrow(/members/);
    expect(() => arDetector({ order: 0 })).toThrow(/order/);
    expect(() => arDetector({ forgetting: 1.5 })).toThrow(/forgetting/);
  });
});
