// The anomaly rule as it was before its per-sample path used series ids (h/cpu13), kept to compare against.
import {
  type Alert,
  type Alerter,
  defineAlerter,
  type Factory,
  type Finding,
  type LabelMatcher,
  type Labels,
  matchesLabels,
  parseMatchers,
  type SeriesRegistry,
} from '@argus/core';
import { z } from 'zod';
import {
  type RuleBaseOptions,
  type RuleBaseParsed,
  ruleBase,
  selectorSchema,
} from '../../src/rules/common.js';
import { intColumn } from '../../src/rules/series-column.js';
import { readSnapshot, ruleTracker } from '../../src/rules/tracker.js';

/** Options of {@link anomalyRule}. */
export interface AnomalyRuleOptions extends RuleBaseOptions {
  /** Only findings on series matching this selector count. @default every series */
  selector?: string;
  /** A point counts as anomalous when a finding on it scores at least this. @default 0.5 */
  minScore?: number;
  /** Fire when at least `n` of the last `m` points are anomalous. @default 3 */
  n?: number;
  /** Window of points per series (or group). @default 5 */
  m?: number;
  /** Alert per group of series with equal values of these labels instead of per series. */
  groupBy?: string[];
}

interface Parsed extends RuleBaseParsed {
  selector?: string | undefined;
  minScore: number;
  n: number;
  m: number;
  groupBy?: string[] | undefined;
}

const schema: z.ZodType<Parsed, AnomalyRuleOptions> = z
  .strictObject({
    ...ruleBase,
    selector: selectorSchema.optional().describe('Only findings on series matching this selector count'),
    minScore: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Score at which a finding makes its point anomalous'),
    n: z.number().int().positive().default(3).describe('Anomalous points needed within the window'),
    m: z.number().int().positive().max(10_000).default(5).describe('Window length in points'),
    groupBy: z.array(z.string()).optional().describe('Alert per group of these labels instead of per series'),
  })
  .refine((o) => o.n <= o.m, { path: ['n'], message: 'must be ≤ m (n anomalous points of the last m)' });

/** Per key: the last `m` points (anomalous or not) and the findings among them. */
interface Window {
  flags: boolean[];
  findings: (string | undefined)[];
  labels: Labels;
  value: number;
}

/**
 * Turns detector findings into alerts: a series (or a group, with `groupBy`) is active while at least `n` of
 * its last `m` points carry a finding scoring ≥ `minScore`. Points are the metric samples the alerter sees;
 * findings on the same series and timestamp mark them. `for`, `keep_firing_for` and templating as in
 * {@link thresholdRule}; `$value` is the last point's value.
 * @example anomalyRule({ alert: 'LatencyAnomaly', selector: 'http_latency_seconds', minScore: 0.8, n: 3, m: 5 })
 */
export const anomalyRule: Factory<z.ZodType<Parsed, AnomalyRuleOptions>, Alerter> = defineAlerter({
  name: 'anomaly-rule',
  options: schema,
  create(o) {
    const matchers: LabelMatcher[] = o.selector ? parseMatchers(o.selector) : [];
    const { name, tracker } = ruleTracker<string>(o);
    const windows = new Map<string, Window>();
    const keyOf = (labels: Labels): [string, Labels] => {
      if (!o.groupBy) return [JSON.stringify(labels), labels];
      const g: Record<string, string> = {};
      for (const l of o.groupBy) if (labels[l] !== undefined) g[l] = labels[l];
      return [JSON.stringify(g), g];
    };
    // a series' key, group labels and selector match depend on its labels only: worked out once per series id (a
    // registry never reuses ids) rather than with a matcher run and a JSON.stringify per sample, which took about
    // 40% of a replica's CPU at 20k series per second (bench:soak, docs/scaling.md)
    const perSeries = new WeakMap<SeriesRegistry, SeriesKeys>();
    const seriesKey = (series: SeriesRegistry, id: number): [string, Labels] | null => {
      let known = perSeries.get(series);
      if (!known) perSeries.set(series, (known = new SeriesKeys()));
      let entry = known.get(id);
      if (entry === undefined) {
        const labels = series.labels(id);
        entry = matchesLabels(matchers, labels) ? keyOf(labels) : null;
        known.set(id, entry);
      }
      return entry;
    };
    const push = (
      entry: [string, Labels] | null,
      value: number,
      finding: Finding | undefined,
      ts: number,
    ): Alert | undefined => {
      if (entry === null) return undefined;
      const [key, keyLabels] = entry;
      let w = windows.get(key);
      if (!w) windows.set(key, (w = { flags: [], findings: [], labels: keyLabels, value }));
      const hit = finding !== undefined && finding.score >= o.minScore;
      w.flags.push(hit);
      w.findings.push(hit ? finding.id : undefined);
      if (w.flags.length > o.m) {
        w.flags.shift();
        w.findings.shift();
      }
      w.value = value;
      const count = w.flags.reduce((c, f) => c + (f ? 1 : 0), 0);
      // fixed here as in the rule: a restored window's nulls (JSON of undefined) were listed as finding ids
      const ids = w.findings.filter((f): f is string => typeof f === 'string');
      return tracker.step(key, ts, count >= o.n ? { labels: w.labels, value, findings: ids } : undefined);
    };
    return {
      name,
      evaluate(input, ctx) {
        const out: Alert[] = [];
        const byPoint = new Map<string, Finding>();
        for (const f of input.findings ?? []) byPoint.set(`${f.series}@${f.timestamp}`, f);
        const b = input.metrics;
        for (let i = 0; b && i < b.length; i++) {
          const id = b.series[i]!;
          const ts = b.timestamps[i]!;
          const finding = byPoint.size === 0 ? undefined : byPoint.get(`${id}@${ts}`);
          const a = push(seriesKey(ctx.series, id), b.values[i]!, finding, ts);
          if (a) out.push(a);
        }
        if (!b) {
          for (const f of input.findings ?? []) {
            const a = push(seriesKey(ctx.series, f.series), f.value, f, f.timestamp);
            if (a) out.push(a);
          }
        }
        // `for` elapses on evaluations without new points, while the window still holds enough anomalies
        for (const [key, t] of [...tracker.active]) {
          const w = windows.get(key);
          if (t.state !== 'pending' || !w) continue;
          const a = tracker.step(key, ctx.now, { labels: w.labels, value: w.value });
          if (a) out.push(a);
        }
        return out;
      },
      snapshot: () => ({ alerts: tracker.snapshot(), windows: [...windows] }),
      restore(state) {
        const s = state as { alerts?: unknown; windows?: [string, Window][] } | undefined;
        for (const [k, w] of s?.windows ?? []) windows.set(k, w);
        for (const a of readSnapshot(s?.alerts)) {
          const [key] = keyOf(a.seriesLabels);
          tracker.active.set(key, a);
        }
      },
    };
  },
});

/**
 * The key and key labels of each series id a rule has seen, or `null` for a series its selector leaves out. A rule
 * sees every series of the pipeline, and most are left out (the preset's rule watches a handful of derived series
 * in a registry of thousands): those cost 4 bytes here, where a `Map` entry cost ~45 bytes per series.
 */
class SeriesKeys {
  /** Per id: 0 not seen, -1 left out, k > 0 the series' entry in `entries` at k - 1. */
  private readonly slots = intColumn();
  private readonly entries: [string, Labels][] = [];

  get(id: number): [string, Labels] | null | undefined {
    const slot = this.slots.get(id);
    if (slot === 0) return undefined;
    return slot < 0 ? null : this.entries[slot - 1]!;
  }

  set(id: number, entry: [string, Labels] | null): void {
    if (entry === null) {
      this.slots.set(id, -1);
      return;
    }
    this.entries.push(entry);
    this.slots.set(id, this.entries.length);
  }
}
