import { describe, expect, it } from 'vitest';
import { type BandAnswer, type BandColumns, withBand } from '../src/band.js';
import { isSelector, MAX_EXPRESSION_POINTS, matrixToAnswer, rangeQuery } from '../src/expression.js';
import { type SeriesAnswer, type SeriesColumns, toChartData } from '../src/series.js';

const A = { __name__: 'latency', job: 'api' };
const B = { __name__: 'latency', job: 'db' };

/** A series of `values` at t = 1000·i, with a finding's band at `findingAt` (40..60). */
function series(labels: Record<string, string>, values: number[], findingAt?: number): SeriesColumns {
  const at = (i: number, v: number) => (i === findingAt ? v : null);
  return {
    labels,
    timestamps: values.map((_, i) => i * 1000),
    values,
    score: values.map((_, i) => at(i, 0.9)),
    expected: values.map((_, i) => at(i, 50)),
    lower: values.map((_, i) => at(i, 40)),
    upper: values.map((_, i) => at(i, 60)),
    findings:
      findingAt === undefined
        ? []
        : [
            {
              id: 'f',
              timestamp: findingAt * 1000,
              labels,
              value: values[findingAt]!,
              score: 0.9,
              kind: 'spike',
              detector: 'mad',
              explanation: 'odd',
            },
          ],
  };
}

/** The replay's band: `lo`..`hi` around `mid` at the given times. */
const band = (labels: Record<string, string>, times: number[], mid: number, half: number): BandColumns => ({
  labels,
  timestamps: times,
  expected: times.map(() => mid),
  lower: times.map(() => mid - half),
  upper: times.map(() => mid + half),
});

const answer = (...s: SeriesColumns[]): SeriesAnswer => ({
  from: 0,
  to: 10_000,
  truncated: false,
  series: s,
});
const replay = (...s: BandColumns[]): BandAnswer => ({
  from: 0,
  to: 10_000,
  detector: 'ensemble',
  replayed: 100,
  clipped: false,
  series: s,
});

describe('withBand', () => {
  it("fills every sample's band from the replay, matching series by labels and samples by time", () => {
    const a = series(A, [10, 11, 12, 13]);
    const b = series(B, [1, 2, 3, 4]);
    // the band's series come in another order, and B's band starts at the second sample (its warm-up)
    const out = withBand(
      answer(a, b),
      replay(band(B, [1000, 2000, 3000], 2, 0.5), band(A, [0, 1000, 2000, 3000], 11, 2)),
    );
    expect(out.series[0]!.lower).toEqual([9, 9, 9, 9]);
    expect(out.series[0]!.upper).toEqual([13, 13, 13, 13]);
    expect(out.series[0]!.expected).toEqual([11, 11, 11, 11]);
    expect(out.series[1]!.lower).toEqual([null, 1.5, 1.5, 1.5]);
    expect(out.series[1]!.upper).toEqual([null, 2.5, 2.5, 2.5]);
    // the values and findings are the server's, and its answer is left as it came
    expect(out.series[0]!.values).toBe(a.values);
    expect(a.lower).toEqual([null, null, null, null]);
  });

  it("keeps a finding's own band where there is one (the live detector's verdict)", () => {
    const out = withBand(
      answer(series(A, [50, 51, 500, 52], 2)),
      replay(band(A, [0, 1000, 2000, 3000], 51, 1)),
    );
    expect(out.series[0]!.lower).toEqual([50, 50, 40, 50]);
    expect(out.series[0]!.upper).toEqual([52, 52, 60, 52]);
  });

  it('leaves samples the replay has no time or no band for, and series it did not replay', () => {
    const gappy: BandColumns = { ...band(A, [0, 1500, 2000, 3000], 5, 1), lower: [4, 4, null, 4] };
    const out = withBand(answer(series(A, [5, 5, 5, 5]), series(B, [1, 1, 1, 1])), replay(gappy));
    expect(out.series[0]!.lower).toEqual([4, null, null, 4]);
    expect(out.series[1]!.lower).toEqual([null, null, null, null]);
    expect(withBand(answer(series(A, [1])), null).series[0]!.lower).toEqual([null]);
  });

  it('turns into one band per series, drawn at every sample of a normal stretch', () => {
    const plain = answer(series(A, [10, 11, 12, 13]));
    expect(toChartData(plain.series).bandPoints).toBe(0);
    const data = toChartData(withBand(plain, replay(band(A, [0, 1000, 2000, 3000], 11, 2))).series);
    expect(data.bandPoints).toBe(4);
    expect(data.bandColumns).toEqual([{ series: 1, upper: [13, 13, 13, 13], lower: [9, 9, 9, 9] }]);
  });
});

describe('expressions on the series page', () => {
  it('tells a selector (read from the store) from an expression (evaluated)', () => {
    for (const sel of ['up', 'cpu_usage{host="db-1"}', '{job=~"a|b"}', 'http:req:rate5m {code!="5}{"}'])
      expect(isSelector(sel), sel).toBe(true);
    for (const expr of ['rate(x[5m])', 'sum by (job) (up)', 'up > 1', 'a + b', 'up{job="a"}[5m]', ''])
      expect(isSelector(expr), expr).toBe(false);
  });

  it('asks query_range at most MAX_EXPRESSION_POINTS steps, at least a second apart', () => {
    const q = rangeQuery('rate(x[1m])', 1_000_000, 1_000_000 + 86_400_000);
    expect(Object.fromEntries(q)).toEqual({ query: 'rate(x[1m])', start: '1000', end: '87400', step: '44' });
    expect(q.get('step')).toBe(String(Math.ceil(86_400 / MAX_EXPRESSION_POINTS)));
    expect(rangeQuery('x', 0, 60_000).get('step')).toBe('1');
  });

  it('turns a matrix into the page’s columns: ms times, NaN as a gap, no band or findings, at most limit series', () => {
    const out = matrixToAnswer(
      {
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { job: 'a' },
              values: [
                [10, '1.5'],
                [25, 'NaN'],
                [40, '+Inf'],
              ],
            },
            { metric: { job: 'b' }, values: [[10, '2']] },
          ],
        },
      },
      10_000,
      40_000,
      1,
    );
    expect(out.truncated).toBe(true);
    expect(out.series).toHaveLength(1);
    expect(out.series[0]).toMatchObject({
      labels: { job: 'a' },
      timestamps: [10_000, 25_000, 40_000],
      values: [1.5, null, null],
      lower: [null, null, null],
      findings: [],
    });
    expect(toChartData(out.series).bandPoints).toBe(0);
  });
});
