import type { PluginStats } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { exportName, toCsv, toJson } from '../src/export.js';
import { age, labelText, matcherError, matchersFor, seriesSelector, splitMatchers } from '../src/format.js';
import { throughput } from '../src/health.js';
import { parseRoute, seriesHref } from '../src/route.js';
import { type SeriesAnswer, type SeriesColumns, seriesName, toChartData } from '../src/series.js';

const col = (
  labels: Record<string, string>,
  rows: [number, number | null, { score: number; lower: number; upper: number }?][],
): SeriesColumns => ({
  labels,
  timestamps: rows.map((r) => r[0]),
  values: rows.map((r) => r[1]),
  score: rows.map((r) => r[2]?.score ?? null),
  expected: rows.map((r) => (r[2] ? (r[2].lower + r[2].upper) / 2 : null)),
  lower: rows.map((r) => r[2]?.lower ?? null),
  upper: rows.map((r) => r[2]?.upper ?? null),
  findings: rows
    .filter((r) => r[2])
    .map((r) => ({
      id: `f${r[0]}`,
      timestamp: r[0],
      labels,
      value: r[1] ?? Number.NaN,
      score: r[2]!.score,
      kind: 'spike',
      detector: 'mad',
      explanation: `odd at ${r[0]}`,
    })),
});

describe('toChartData', () => {
  const a = col({ __name__: 'cpu', host: 'a' }, [
    [10_000, 1],
    [20_000, 9, { score: 0.9, lower: 0, upper: 2 }],
    [30_000, Number.NaN],
  ]);
  const b = col({ __name__: 'cpu', host: 'b' }, [
    [20_000, 5],
    [40_000, Number.POSITIVE_INFINITY],
  ]);

  it('aligns series on one sorted x axis (seconds), gaps where there is no finite sample', () => {
    const d = toChartData([a, b]);
    expect(d.columns[0]).toEqual([10, 20, 30, 40]);
    expect(d.names).toEqual(['cpu{host="a"}', 'cpu{host="b"}']);
    expect(d.role).toEqual(['value', 'value']);
    expect(d.columns.slice(1)).toEqual([
      [1, 9, null, null],
      [null, 5, null, null],
    ]);
  });

  it('adds a band (upper, lower) only for a series with an expected range, and marks its findings', () => {
    const d = toChartData([a, b]);
    // the band is drawn by the chart from its columns, not as uPlot series
    expect(d.bands).toEqual([]);
    expect(d.bandColumns).toEqual([
      { series: 1, upper: [null, 2, null, null], lower: [null, 0, null, null] },
    ]);
    expect(d.bandPoints).toBe(1);
    expect(d.markers).toEqual([{ series: 1, index: 1, score: 0.9, reason: 'odd at 20000' }]);
    expect(toChartData([b]).bandColumns).toEqual([]);
  });

  it('series with the same timestamps (the fast path) give the same columns as the general one', () => {
    const c = col({ __name__: 'cpu', host: 'c' }, [
      [10_000, 3],
      [20_000, null],
      [30_000, 4, { score: 0.5, lower: 1, upper: 5 }],
    ]);
    const shifted = col({ __name__: 'cpu', host: 'd' }, [[15_000, 7]]);
    const d = toChartData([a, c]);
    expect(d.columns).toEqual([
      [10, 20, 30],
      [1, 9, null],
      [3, null, 4],
    ]);
    expect(d.bandColumns).toEqual([
      { series: 1, upper: [null, 2, null], lower: [null, 0, null] },
      { series: 2, upper: [null, null, 5], lower: [null, null, 1] },
    ]);
    // one series off the shared times: the general path gives the same columns plus the new time
    const g = toChartData([a, c, shifted]);
    const without15 = (col: (number | null)[]) => col.filter((_, i) => i !== 1);
    expect(g.columns[0]).toEqual([10, 15, 20, 30]);
    expect(g.columns.slice(1, 3).map(without15)).toEqual(d.columns.slice(1));
    expect(
      g.bandColumns.map((b) => ({ series: b.series, upper: without15(b.upper), lower: without15(b.lower) })),
    ).toEqual(d.bandColumns);
    expect(g.markers).toEqual([
      { series: 1, index: 2, score: 0.9, reason: 'odd at 20000' },
      { series: 2, index: 3, score: 0.5, reason: 'odd at 30000' },
    ]);
  });

  it('drops a finding outside the range and handles an empty answer', () => {
    const far = { ...a, findings: [{ ...a.findings[0]!, timestamp: 900_000 }] };
    expect(toChartData([far]).markers).toEqual([]);
    expect(toChartData([])).toMatchObject({ names: [], columns: [[]], markers: [], bands: [] });
  });
});

describe('export', () => {
  const answer: SeriesAnswer = {
    from: Date.UTC(2026, 11, 7, 9),
    to: Date.UTC(2026, 11, 7, 10),
    truncated: false,
    series: [
      col({ __name__: 'cpu', host: 'a,"b"' }, [
        [Date.UTC(2026, 11, 7, 9, 30), 1.5],
        [Date.UTC(2026, 11, 7, 9, 31), 9, { score: 0.8, lower: 1, upper: 2 }],
      ]),
    ],
  };

  it('writes one CSV row per sample, quoting labels with commas and quotes (RFC 4180)', () => {
    expect(toCsv(answer).split('\r\n')).toEqual([
      'series,time_utc,timestamp_ms,value,score,expected,lower,upper',
      `"cpu{host=""a,""b""""}",2026-12-07T09:30:00.000Z,${Date.UTC(2026, 11, 7, 9, 30)},1.5,,,,`,
      `"cpu{host=""a,""b""""}",2026-12-07T09:31:00.000Z,${Date.UTC(2026, 11, 7, 9, 31)},9,0.8,1.5,1,2`,
      '',
    ]);
  });

  it('writes the answer as JSON and names files by the range', () => {
    expect(JSON.parse(toJson(answer))).toEqual(answer);
    expect(exportName(answer, 'csv')).toBe('argus-series-20261207T0900Z-20261207T1000Z.csv');
  });
});

describe('routes', () => {
  it('reads pages and the alert detail from the hash; anything else is the alerts list', () => {
    expect(parseRoute('#/silences')).toEqual({ page: 'silences' });
    expect(parseRoute('#/alerts/0123456789abcdef')).toEqual({ page: 'alert', id: '0123456789abcdef' });
    expect(parseRoute('#/alerts/nothex')).toEqual({ page: 'alerts' });
    expect(parseRoute('#/chart')).toEqual({ page: 'series' });
    expect(parseRoute('#/analysis')).toEqual({ page: 'analysis' });
    expect(parseRoute('')).toEqual({ page: 'alerts' });
    expect(parseRoute('#/nope')).toEqual({ page: 'alerts' });
    expect(parseRoute(seriesHref('up{job="a b"}'))).toEqual({ page: 'series', match: 'up{job="a b"}' });
    expect(parseRoute('#/series?other=1')).toEqual({ page: 'series' });
  });
});

describe('format helpers', () => {
  it('splits matchers on commas outside quotes, braces optional', () => {
    expect(splitMatchers('{a="1", b=~"x,y", c!="q\\"," }')).toEqual(['a="1"', 'b=~"x,y"', 'c!="q\\","']);
    expect(splitMatchers('  ')).toEqual([]);
  });

  it('explains a bad matcher as the server would refuse it, and accepts good ones', () => {
    for (const ok of ['a="1"', 'a=1', 'a!="x\\"y"', 'team=~"db|web"', 'x!~".*"'])
      expect(matcherError(ok), ok).toBeNull();
    expect(matcherError('a')).toMatch(/write name="value"/);
    expect(matcherError('1a="x"')).toMatch(/write name="value"/);
    expect(matcherError('a="x')).toMatch(/quote/);
    expect(matcherError('a=~"(unclosed"')).toMatch(/^bad regex/);
  });

  it('selects the series behind an alert: its labels without alertname and severity', () => {
    expect(seriesSelector({ alertname: 'X', severity: 'page', job: 'a"b', host: 'h' })).toBe(
      '{host="h", job="a\\"b"}',
    );
  });

  it('makes matchers that select a label set exactly, quoting values', () => {
    expect(matchersFor({ b: 'x"y', a: '1' })).toEqual(['a="1"', 'b="x\\"y"']);
  });

  it('writes ages and label sets', () => {
    expect(age(0, 59_000)).toBe('59s');
    expect(age(0, 3_600_000 + 5 * 60_000)).toBe('1h 5m');
    expect(age(0, 26 * 3_600_000)).toBe('1d 2h');
    expect(age(10, 0)).toBe('0s');
    expect(labelText({ __name__: 'up', b: '2', a: '1' })).toBe('{a="1", b="2"}');
    expect(seriesName({ __name__: 'up' })).toBe('up');
  });

  it('turns counters into per-second rates, 0 after a reset, none for a new plugin', () => {
    // throughput reads only `received`; the rest of a plugin's counters do not matter here
    const s = (received: number) => ({ received }) as PluginStats;
    expect(throughput({ a: s(10), b: s(50) }, { a: s(30), b: s(5), c: s(1) }, 4)).toEqual({ a: 5, b: 0 });
  });
});
