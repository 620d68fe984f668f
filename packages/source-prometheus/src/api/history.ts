import type { Labels } from '@argus/core';
import { parseMatchers } from '@argus/core';
import type { HistoryQuery, LatestSample, RangeQuery, RangeSeries, Selector } from '@argus/store';
import { createPrometheusClient, type PrometheusClient, type PrometheusClientOptions } from './client.js';
import { MAX_POINTS_PER_SERIES, planChunks } from './range.js';

/** @deprecated The store's `Selector`: import it from `@argus/store`. */
export type HistorySelector = Selector;
/** @deprecated The store's `RangeQuery`: import it from `@argus/store`. */
export type HistoryRangeQuery = RangeQuery;
/** @deprecated The store's `RangeSeries`: import it from `@argus/store`. */
export type HistoryRangeSeries = RangeSeries;
/** @deprecated The store's `LatestSample`: import it from `@argus/store`. */
export type HistoryLatestSample = LatestSample;
/** The store's `HistoryQuery`, answered by a Prometheus server (the type has one home: `@argus/store`). */
export type PrometheusHistory = HistoryQuery;

/** Options of {@link prometheusHistory}. */
export interface PrometheusHistoryOptions extends PrometheusClientOptions {
  /** How far back `latest` looks for a series' newest sample. @default 300000 (Prometheus's lookback) */
  readonly lookbackMs?: number;
}

const FN = {
  avg: 'avg_over_time',
  min: 'min_over_time',
  max: 'max_over_time',
  last: 'last_over_time',
} as const;

/**
 * Implements the store's `HistoryQuery` over PromQL, so history analysis (UI, backtests, trends) runs
 * against a Prometheus server unchanged. A step `[t, t+step)` is evaluated at `t + step − 1 ms` over a
 * `step`-long window, so each step aggregates exactly its own samples. Functions drop `__name__`, so
 * ranges run one query per metric name (ungrouped results get their name back; grouped ones are combined). `latest` cannot see stale
 * markers through the API: `stale` is always false, and a series that ended leaves the result after `lookbackMs`.
 * With `by`, `avg` is exact (sum of sums / sum of counts), `min`/`max` too; `last` is the largest of the
 * group's last values (PromQL cannot pick the newest sample across series).
 */
export function prometheusHistory(options: PrometheusHistoryOptions): PrometheusHistory {
  const client = createPrometheusClient(options);
  const lookbackMs = options.lookbackMs ?? 300_000;
  return {
    series: (m) => client.series(selectorText(m)),
    range: (q) => range(client, q),
    async latest(m) {
      const { series } = await client.query(`${selectorText(m)}[${lookbackMs}ms]`, Date.now());
      return series.flatMap((s) => {
        const last = s.timestamps.length - 1;
        return last < 0
          ? []
          : [{ labels: s.labels, timestamp: s.timestamps[last]!, value: s.values[last]!, stale: false }];
      });
    },
  };
}

/** Renders matchers as a PromQL selector; PromQL string escapes are a superset of JSON's. */
export function selectorText(m: Selector): string {
  if (typeof m === 'string') return m;
  return `{${m.map((x) => `${x.name}${x.op}${JSON.stringify(x.value)}`).join(',')}}`;
}

async function range(client: PrometheusClient, q: RangeQuery): Promise<RangeSeries[]> {
  const base = typeof q.matchers === 'string' ? parseMatchers(q.matchers) : q.matchers;
  const window = `[${q.stepMs}ms]`;
  // functions drop __name__, so a selector spanning several metrics runs once per name
  const names = new Set(
    (await client.series(selectorText(base), q.from, q.to)).map((l) => l['__name__'] ?? ''),
  );
  const perName = [...names].map((name) => ({
    name,
    sel:
      selectorText([
        ...base.filter((x) => x.name !== '__name__'),
        { name: '__name__', op: '=', value: name },
      ]) + window,
  }));
  if (!q.by) {
    const out: RangeSeries[] = [];
    for (const { name, sel } of perName) out.push(...(await steps(client, `${FN[q.agg]}(${sel})`, q, name)));
    return out;
  }
  const by = `by (${q.by.join(',')})`;
  const groups = new Groups(q.agg);
  for (const { sel } of perName) {
    if (q.agg === 'avg') {
      groups.add(await steps(client, `sum ${by} (sum_over_time(${sel}))`, q, undefined), 'sum');
      groups.add(await steps(client, `sum ${by} (count_over_time(${sel}))`, q, undefined), 'count');
    } else {
      const outer = q.agg === 'last' ? 'max' : q.agg;
      groups.add(await steps(client, `${outer} ${by} (${FN[q.agg]}(${sel}))`, q, undefined), 'value');
    }
  }
  return groups.result();
}

/** Combines per-metric-name group results: sums and counts for avg, min/max otherwise. */
class Groups {
  private readonly map = new Map<string, { labels: Labels; points: Map<number, { a: number; b: number }> }>();
  constructor(private readonly agg: RangeQuery['agg']) {}

  add(series: readonly RangeSeries[], part: 'sum' | 'count' | 'value'): void {
    for (const s of series) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      const g = this.map.get(key) ?? { labels: s.labels, points: new Map() };
      this.map.set(key, g);
      s.timestamps.forEach((t, k) => {
        const v = s.values[k]!;
        const p = g.points.get(t);
        if (!p) g.points.set(t, part === 'count' ? { a: 0, b: v } : { a: v, b: 0 });
        else if (part === 'sum') p.a += v;
        else if (part === 'count') p.b += v;
        else p.a = this.agg === 'min' ? Math.min(p.a, v) : Math.max(p.a, v);
      });
    }
  }

  result(): RangeSeries[] {
    return [...this.map.values()].map(({ labels, points }) => {
      const ts = [...points.keys()].sort((x, y) => x - y);
      const vs = ts.map((t) => {
        const p = points.get(t)!;
        return this.agg === 'avg' ? p.a / p.b : p.a;
      });
      return { labels, timestamps: Float64Array.from(ts), values: Float64Array.from(vs) };
    });
  }
}

async function steps(
  client: PrometheusClient,
  expr: string,
  q: RangeQuery,
  name: string | undefined,
): Promise<RangeSeries[]> {
  const acc = new Map<string, { labels: Labels; t: number[]; v: number[] }>();
  // evaluating at the last millisecond of each step makes the window (t-1ms, t+step-1ms] = [t, t+step)
  const shift = q.stepMs - 1;
  for (const c of planChunks(q.from, q.to, q.stepMs, MAX_POINTS_PER_SERIES)) {
    const { series } = await client.queryRange(expr, c.startMs + shift, c.endMs + shift, q.stepMs);
    for (const s of series) {
      const labels = name === undefined ? s.labels : { __name__: name, ...s.labels };
      const key = JSON.stringify(Object.entries(labels).sort());
      const a = acc.get(key) ?? { labels, t: [], v: [] };
      acc.set(key, a);
      s.timestamps.forEach((t, k) => {
        a.t.push(t - shift);
        a.v.push(s.values[k]!);
      });
    }
  }
  return [...acc.values()].map((a) => ({
    labels: a.labels,
    timestamps: Float64Array.from(a.t),
    values: Float64Array.from(a.v),
  }));
}
