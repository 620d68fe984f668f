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
import { type RuleBaseOptions, type RuleBaseParsed, ruleBase, selectorSchema } from './common.js';
import { intColumn } from './series-column.js';
import { readSnapshot, ruleTracker } from './tracker.js';

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
    let perSeries = new WeakMap<SeriesRegistry, SeriesKeys>();
    // one registry per pipeline in practice: the last one's keys kept at hand, not looked up per sample
    let lastRegistry: SeriesRegistry | undefined;
    let lastKeys: SeriesKeys | undefined;
    const keysOf = (series: SeriesRegistry): SeriesKeys => {
      if (series === lastRegistry && lastKeys) return lastKeys;
      let known = perSeries.get(series);
      if (!known) perSeries.set(series, (known = new SeriesKeys()));
      lastRegistry = series;
      lastKeys = known;
      return known;
    };
    const seriesKey = (known: SeriesKeys, series: SeriesRegistry, id: number): SeriesEntry | null => {
      let entry = known.get(id);
      if (entry === undefined) {
        const labels = series.labels(id);
        if (!matchesLabels(matchers, labels)) entry = null;
        else if (o.groupBy) {
          const [key, keyLabels] = keyOf(labels);
          entry = { key, labels: keyLabels, window: undefined, own: false, checked: true };
        } else entry = { key: undefined, labels, window: undefined, own: true, checked: false };
        known.set(id, entry);
      }
      return entry;
    };
    /**
     * The window of a series of its own (no `groupBy`), or `undefined` while it needs none. A window that holds no
     * anomalous point counts as no window at all (only anomalous points are counted, and an alert needs one to
     * become active), so a series gets its key and window with its first anomalous point, and gives them back when
     * its window holds none again and no alert is active for it: ~500 bytes per series (the JSON key, the window
     * and its two arrays) that most series, never anomalous, do not keep.
     */
    const ownWindow = (entry: SeriesEntry, hit: boolean): Window | undefined => {
      if (entry.key === undefined && !entry.checked) {
        // first point since start or restore: a restored window, or an alert restored active, is this series'
        entry.checked = true;
        if (windows.size > 0 || tracker.active.size > 0) {
          const key = JSON.stringify(entry.labels);
          if (windows.has(key) || tracker.active.has(key)) entry.key = key;
        }
      }
      if (entry.key === undefined) {
        if (!hit) return undefined;
        entry.key = JSON.stringify(entry.labels);
      }
      return windowOf(entry, entry.key);
    };
    const windowOf = (entry: SeriesEntry, key: string): Window => {
      let w = windows.get(key);
      if (!w) windows.set(key, (w = { flags: [], findings: [], labels: entry.labels, value: 0 }));
      entry.window = w;
      return w;
    };
    const push = (
      entry: SeriesEntry,
      value: number,
      finding: Finding | undefined,
      ts: number,
    ): Alert | undefined => {
      const hit = finding !== undefined && finding.score >= o.minScore;
      // series of one group share a window: found by key once per series, then kept on the entry
      const w = entry.window ?? (entry.own ? ownWindow(entry, hit) : windowOf(entry, entry.key!));
      if (!w) return undefined; // no anomalous point in its window and no alert active for it: nothing to step
      const key = entry.key!;
      w.flags.push(hit);
      w.findings.push(hit ? finding.id : undefined);
      if (w.flags.length > o.m) {
        w.flags.shift();
        w.findings.shift();
      }
      w.value = value;
      let count = 0;
      for (const f of w.flags) if (f) count++;
      if (count < o.n) {
        const a = tracker.step(key, ts, undefined);
        if (count === 0 && entry.own && !tracker.active.has(key)) {
          windows.delete(key);
          entry.window = undefined;
          entry.key = undefined;
        }
        return a;
      }
      // the finding ids are read only by an active alert: listed when the window holds enough of them
      // a restored window holds null where the saved one held undefined (JSON): not a finding id either
      const ids = w.findings.filter((f): f is string => typeof f === 'string');
      return tracker.step(key, ts, { labels: w.labels, value, findings: ids });
    };
    return {
      name,
      evaluate(input, ctx) {
        const out: Alert[] = [];
        const known = keysOf(ctx.series);
        const findings = input.findings ?? [];
        const b = input.metrics;
        if (b) {
          const byPoint = findingsByPoint(findings);
          for (let i = 0; i < b.length; i++) {
            const id = b.series[i]!;
            const entry = seriesKey(known, ctx.series, id);
            if (entry === null) continue;
            const ts = b.timestamps[i]!;
            const a = push(entry, b.values[i]!, byPoint?.get(id, ts), ts);
            if (a) out.push(a);
          }
        } else {
          for (const f of findings) {
            const entry = seriesKey(known, ctx.series, f.series);
            if (entry === null) continue;
            const a = push(entry, f.value, f, f.timestamp);
            if (a) out.push(a);
          }
        }
        // `for` elapses on evaluations without new points, while the window still holds enough anomalies
        // stepping a key that holds neither adds nor removes one: the map is walked as it is, not copied per call
        for (const [key, t] of tracker.active) {
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
        // entries keep the window they found: a restore replaces windows, so they are looked up again
        perSeries = new WeakMap();
        lastRegistry = undefined;
        lastKeys = undefined;
        for (const a of readSnapshot(s?.alerts)) {
          const [key] = keyOf(a.seriesLabels);
          tracker.active.set(key, a);
        }
        for (const [k, w] of s?.windows ?? []) {
          // a window with no anomalous point counts as none (see ownWindow); earlier versions saved one per series
          if (!o.groupBy && !w.flags.includes(true) && !tracker.active.has(k)) continue;
          windows.set(k, w);
        }
      },
    };
  },
});

/** A series the rule's selector takes: its window's key and labels, and the window once it has one. */
interface SeriesEntry {
  /** Its window's key; for a series of its own, only while it has a window or an active alert. */
  key: string | undefined;
  labels: Labels;
  window: Window | undefined;
  /** A series of its own (no `groupBy`): its window made with its first anomalous point. */
  own: boolean;
  /** Looked for a restored window or alert since start or restore. */
  checked: boolean;
}

/**
 * A batch's findings by point (series id and timestamp), found without a string per finding or per sample. The last
 * finding on a point wins, as when they were keyed `${series}@${timestamp}`.
 */
class FindingsByPoint {
  /** Per series id, its finding when all its findings in the batch are on one timestamp. */
  private readonly byId = new Map<number, Finding>();
  /** Series with findings on several timestamps (a batch holding more than one read): keyed by point. */
  private mixed: Map<number, Map<number, Finding>> | undefined;

  add(f: Finding): void {
    const several = this.mixed?.get(f.series);
    if (several) {
      several.set(f.timestamp, f);
      return;
    }
    const first = this.byId.get(f.series);
    if (first === undefined || sameTime(first.timestamp, f.timestamp)) {
      this.byId.set(f.series, f);
      return;
    }
    this.byId.delete(f.series);
    this.mixed ??= new Map();
    this.mixed.set(
      f.series,
      new Map([
        [first.timestamp, first],
        [f.timestamp, f],
      ]),
    );
  }

  get(id: number, ts: number): Finding | undefined {
    const f = this.byId.get(id);
    if (f !== undefined) return sameTime(f.timestamp, ts) ? f : undefined;
    return this.mixed?.get(id)?.get(ts);
  }
}

/** `undefined` when a batch has no findings, so its samples skip the lookup. */
function findingsByPoint(findings: readonly Finding[]): FindingsByPoint | undefined {
  if (findings.length === 0) return undefined;
  const byPoint = new FindingsByPoint();
  for (const f of findings) byPoint.add(f);
  return byPoint;
}

/** Equal timestamps as their text compared (`${ts}`), which the keys of points used: -0 is 0, NaN is NaN. */
function sameTime(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * The key and key labels of each series id a rule has seen, or `null` for a series its selector leaves out. A rule
 * sees every series of the pipeline, and most are left out (the preset's rule watches a handful of derived series
 * in a registry of thousands): those cost 4 bytes here, where a `Map` entry cost ~45 bytes per series.
 */
class SeriesKeys {
  /** Per id: 0 not seen, -1 left out, k > 0 the series' entry in `entries` at k - 1. */
  private readonly slots = intColumn();
  private readonly entries: SeriesEntry[] = [];

  get(id: number): SeriesEntry | null | undefined {
    const slot = this.slots.get(id);
    if (slot === 0) return undefined;
    return slot < 0 ? null : this.entries[slot - 1]!;
  }

  set(id: number, entry: SeriesEntry | null): void {
    if (entry === null) {
      this.slots.set(id, -1);
      return;
    }
    this.entries.push(entry);
    this.slots.set(id, this.entries.length);
  }
}
