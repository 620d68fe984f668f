import {
  type Alert,
  type Alerter,
  defineAlerter,
  type Factory,
  type LabelMatcher,
  type Labels,
  matchesLabels,
  parseMatchers,
} from '@argus/core';
import { z } from 'zod';
import { type RuleBaseOptions, type RuleBaseParsed, ruleBase, selectorSchema } from './common.js';
import { readSnapshot, ruleTracker } from './tracker.js';

/** Options of {@link absentRule}. */
export interface AbsentRuleOptions extends RuleBaseOptions {
  /** PromQL selector of the series expected to be present. */
  selector: string;
  /** A series (or the selector) with no sample for this long is absent. */
  absentForMs: number;
  /**
   * `selector`: one alert when no matching series has a sample (Prometheus `absent_over_time`), labelled with the
   * selector's `=` matchers. `series`: one alert per series that went quiet or was marked stale. @default 'selector'
   */
  per?: 'selector' | 'series';
}

interface Parsed extends RuleBaseParsed {
  selector: string;
  absentForMs: number;
  per: 'selector' | 'series';
}

const schema: z.ZodType<Parsed, AbsentRuleOptions> = z.strictObject({
  ...ruleBase,
  selector: selectorSchema.describe('PromQL selector of the series expected to be present'),
  absentForMs: z.number().int().positive().describe('A series with no sample for this long is absent, ms'),
  per: z
    .enum(['selector', 'series'])
    .default('selector')
    .describe('One alert for the selector, or one per series'),
});

const SELECTOR_KEY = '';

/**
 * Alerts on missing data. With `per: 'selector'` it fires when no series matching `selector` has had a sample for
 * `absentForMs` (counted from the first evaluation when none was ever seen), like `absent_over_time(sel[d])`; with
 * `per: 'series'` each series that has been quiet for `absentForMs`, or got a stale marker, fires on its own labels.
 * @example absentRule({ alert: 'NoHeartbeat', selector: 'heartbeat_total{job="billing"}', absentForMs: 120_000 })
 */
export const absentRule: Factory<z.ZodType<Parsed, AbsentRuleOptions>, Alerter> = defineAlerter({
  name: 'absent-rule',
  options: schema,
  create(o) {
    const matchers: LabelMatcher[] = parseMatchers(o.selector);
    const eqLabels: Record<string, string> = {};
    for (const m of matchers) if (m.op === '=' && m.name !== '__name__') eqLabels[m.name] = m.value;
    const { name, tracker } = ruleTracker<string>(o);
    const seen = new Map<string, { labels: Labels; at: number; stale: boolean }>();
    let firstEval: number | undefined;
    return {
      name,
      evaluate(input, ctx) {
        const out: Alert[] = [];
        firstEval ??= ctx.now;
        const b = input.metrics;
        for (let i = 0; b && i < b.length; i++) {
          const labels = ctx.series.labels(b.series[i]!);
          if (!matchesLabels(matchers, labels)) continue;
          const key = JSON.stringify(labels);
          const s = { labels, at: b.timestamps[i]!, stale: b.stale?.[i] === 1 };
          seen.set(key, s);
          if (o.per === 'series' && !s.stale) {
            const a = tracker.step(key, s.at, undefined);
            if (a) out.push(a);
          }
        }
        const now = ctx.now;
        if (o.per === 'series') {
          for (const [key, s] of seen) {
            const absent = s.stale || now - s.at >= o.absentForMs;
            const a = tracker.step(key, now, absent ? { labels: s.labels, value: 1 } : undefined);
            if (a) out.push(a);
          }
        } else {
          let latest = firstEval;
          for (const s of seen.values()) if (!s.stale) latest = Math.max(latest, s.at);
          const absent = now - latest >= o.absentForMs;
          const a = tracker.step(SELECTOR_KEY, now, absent ? { labels: eqLabels, value: 1 } : undefined);
          if (a) out.push(a);
        }
        return out;
      },
      snapshot: () => ({ alerts: tracker.snapshot(), seen: [...seen], firstEval }),
      restore(state) {
        const s = state as {
          alerts?: unknown;
          seen?: [string, { labels: Labels; at: number; stale: boolean }][];
          firstEval?: number;
        };
        for (const [k, v] of s?.seen ?? []) seen.set(k, v);
        if (typeof s?.firstEval === 'number') firstEval = s.firstEval;
        for (const a of readSnapshot(s?.alerts)) {
          tracker.active.set(o.per === 'series' ? JSON.stringify(a.seriesLabels) : SELECTOR_KEY, a);
        }
      },
    };
  },
});

/** Options of {@link sourceDownRule}. */
export interface SourceDownRuleOptions extends Omit<RuleBaseOptions, 'alert'> {
  /** @default 'SourceDown' */
  alert?: string;
  /** Only these sources (by plugin name). @default every source */
  sources?: string[];
}

interface DownParsed extends RuleBaseParsed {
  sources?: string[] | undefined;
}

const downSchema: z.ZodType<DownParsed, SourceDownRuleOptions> = z.strictObject({
  ...ruleBase,
  alert: ruleBase.alert.default('SourceDown'),
  sources: z.array(z.string()).optional().describe('Only these sources (plugin names); default every source'),
}) as unknown as z.ZodType<DownParsed, SourceDownRuleOptions>;

/**
 * "Source down" alerts from the runtime's per-source health, like Prometheus's `up == 0`: a source reported
 * down becomes an alert labelled `{alertname, source}` (value 0) after `for`, and resolves when it is up again.
 * @example sourceDownRule({ forMs: 60_000, severity: 'critical' })
 */
export const sourceDownRule: Factory<z.ZodType<DownParsed, SourceDownRuleOptions>, Alerter> = defineAlerter({
  name: 'source-down-rule',
  options: downSchema,
  create(o) {
    const { name, tracker } = ruleTracker<string>(o);
    const down = new Map<string, number>();
    return {
      name,
      evaluate(input, ctx) {
        const out: Alert[] = [];
        const step = (source: string, at: number, isDown: boolean): void => {
          const a = tracker.step(source, at, isDown ? { labels: { source }, value: 0 } : undefined);
          if (a) out.push(a);
        };
        for (const h of input.health ?? []) {
          if (o.sources && !o.sources.includes(h.source)) continue;
          if (h.up) down.delete(h.source);
          else down.set(h.source, h.since);
          step(h.source, Math.min(ctx.now, h.since), !h.up);
        }
        for (const source of down.keys()) step(source, ctx.now, true);
        return out;
      },
      snapshot: () => ({ alerts: tracker.snapshot(), down: [...down] }),
      restore(state) {
        const s = state as { alerts?: unknown; down?: [string, number][] } | undefined;
        for (const [k, v] of s?.down ?? []) down.set(k, v);
        for (const a of readSnapshot(s?.alerts)) tracker.active.set(a.seriesLabels['source'] ?? '', a);
      },
    };
  },
});
