import { describe, expect, it } from 'vitest';
import { type GroupTrend, span, trendChart, trendSentence } from '../src/trends.js';

const H = 3_600_000;
const T = 1_700_000_000_000;
// 0.5 → 0.8 over an hour (4 samples), heading for 0.9 in 20 minutes
const rising: GroupTrend = {
  labels: { job: 'db' },
  series: 2,
  timestamps: [T, T + H / 3, T + (2 * H) / 3, T + H],
  values: [0.5, 0.6, 0.7, 0.8],
  fit: {
    slopePerHour: 0.3,
    start: { t: T, value: 0.5 },
    end: { t: T + H, value: 0.8 },
    forecast: { t: T + 2 * H, value: 1.1, lower: 1.05, upper: 1.15 },
    crossings: [
      { threshold: 0.9, direction: 'above', at: T + H + H / 3, within: true, breach: true },
      { threshold: 0.1, direction: 'below', at: null, within: false, breach: false },
    ],
  },
};

describe('trendChart', () => {
  it('values, the line carried to the forecast, the band over the horizon, limits and the crossing dot', () => {
    const c = trendChart(rising, '{job="db"}');
    expect(c.role).toEqual(['value', 'trend', 'upper', 'lower', 'limit', 'limit']);
    // the samples, then the crossing and the forecast's time
    expect(c.columns[0]).toEqual(
      [T, T + H / 3, T + (2 * H) / 3, T + H, T + H + H / 3, T + 2 * H].map((t) => t / 1000),
    );
    expect(c.columns[1]).toEqual([0.5, 0.6, 0.7, 0.8, null, null]);
    const trend = c.columns[2] as number[];
    expect(trend.map((v) => Number(v.toFixed(6)))).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1.1]);
    // the band only from the last sample on, ±0.05 around the line
    expect(
      (c.columns[3] as (number | null)[]).map((v) => (v === null ? null : Number(v.toFixed(6)))),
    ).toEqual([null, null, null, 0.85, 0.95, 1.15]);
    expect(c.bands).toEqual([[3, 4]]);
    expect(c.bandPoints).toBe(3);
    expect(c.columns[5]).toEqual(Array(6).fill(0.9));
    // one dot: on the trend line where it reaches 0.9 (the lower limit is never reached)
    expect(c.markers).toEqual([
      {
        series: 2,
        index: 4,
        score: 1,
        reason: `the trend reaches 0.9 at ${new Date(T + H + H / 3).toISOString()}`,
      },
    ]);
  });

  it('without a fit: the values alone', () => {
    const c = trendChart({ ...rising, fit: null, reason: 'too few' }, 'x');
    expect(c.role).toEqual(['value']);
    expect(c.markers).toEqual([]);
  });
});

describe('trendSentence', () => {
  it('says the direction, the slope and each limit', () => {
    expect(trendSentence(rising, H)).toBe(
      'rising 0.3/h; will cross above 0.9 within 1 h (in 20 min, its whole forecast band too); will not cross below 0.1 within 1 h',
    );
    const flat = { ...rising, fit: { ...rising.fit!, slopePerHour: 0, crossings: [] } };
    expect(trendSentence(flat, H)).toBe('flat 0/h');
    expect(trendSentence({ ...rising, fit: null, reason: '3 samples' }, H)).toBe('3 samples');
  });

  it('spans in the largest unit that fits', () => {
    expect([45_000, 20 * 60_000, 1.5 * H, 12.4 * H, 48 * H].map(span)).toEqual([
      '45 s',
      '20 min',
      '1.5 h',
      '12 h',
      '2 d',
    ]);
  });
});
