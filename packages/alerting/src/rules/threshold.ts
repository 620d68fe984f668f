import {
  type Alert,
  type Alerter,
  type AlerterInput,
  defineAlerter,
  type Factory,
  type LabelMatcher,
  type Labels,
  matchesLabels,
  parseMatchers,
  type StageContext,
} from '@argus/core';
import type { QueryFn } from '@argus/template';
import { z } from 'zod';
import {
  type CompareOp,
  compare,
  type RuleBaseOptions,
  type RuleBaseParsed,
  ruleBase,
  selectorSchema,
} from './common.js';
import { byteColumn } from './series-column.js';
import { deferredAnnotations } from './threshold-deferred.js';
import { readSnapshot, ruleTracker } from './tracker.js';

/** Options of {@link thresholdRule}. */
export interface ThresholdRuleOptions extends RuleBaseOptions {
  /** PromQL series selector, e.g. `node_load1{job="node"}`. */
  selector: string;
  /** Comparison of the value against `threshold`. @default '>' */
  op?: CompareOp;
  /** The condition is `value <op> threshold`. */
  threshold: number;
  /** Hysteresis: once active, the alert holds until the value crosses this instead of `threshold`. */
  resolveThreshold?: number;
  /** A series with no sample for this long stops matching (Prometheus lookback delta). @default 300000 */
  staleAfterMs?: number;
  /**
   * Answers `query` in the annotation templates (e.g. `evaluatorTemplateQuery(evaluator)`). The annotations are then
   * rendered after the query, at the sample's time, and each alert comes out at the first evaluation after they are
   * (as rules on an evaluator do). Label templates stay synchronous: a label calling `query` renders an error text.
   */
  query?: QueryFn;
}

interface Parsed extends RuleBaseParsed {
  selector: string;
  op: CompareOp;
  threshold: number;
  resolveThreshold?: number | undefined;
  staleAfterMs: number;
  query?: QueryFn | undefined;
}

const schema: z.ZodType<Parsed, ThresholdRuleOptions> = z
  .strictObject({
    ...ruleBase,
    selector: selectorSchema.describe('PromQL series selector, e.g. `node_load1{job="node"}`'),
    op: z
      .enum(['>', '>=', '<', '<=', '==', '!='])
      .default('>')
      .describe('Comparison of value against threshold'),
    threshold: z.number().describe('The alert condition is `value <op> threshold`'),
    resolveThreshold: z
      .number()
      .optional()
      .describe(
        'Hysteresis: once active, the alert holds until the value crosses this instead of `threshold`',
      ),
    staleAfterMs: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('A series with no sample for this long stops matching (Prometheus lookback delta), ms'),
    query: z
      .custom<QueryFn>(
        (v) => typeof v === 'function',
        'must be a function (query, time) => samples, e.g. evaluatorTemplateQuery(evaluator)',
      )
      .optional()
      .describe('Answers `query` in annotation templates; they render after it'),
  })
  .refine(
    (o) =>
      o.resolveThreshold === undefined ||
      ((o.op === '>' || o.op === '>=') && o.resolveThreshold <= o.threshold) ||
      ((o.op === '<' || o.op === '<=') && o.resolveThreshold >= o.threshold),
    {
      path: ['resolveThreshold'],
      message:
        'must be on the resolved side of threshold (≤ it for > and >=, ≥ it for < and <=; not with == or !=)',
    },
  );

/** A series' last sample, for evaluations without data. */
interface Last {
  ts: number;
  value: number;
  stale: boolean;
}

/**
 * A threshold rule as an alerter: every series matching `selector` whose value satisfies `<op> threshold`
 * becomes an alert (labels: the series' minus `__name__`, plus the rule's labels and `alertname`), with
 * Prometheus's pending/firing/resolved semantics, `for`, `keep_firing_for`, and optional hysteresis.
 * @example thresholdRule({ alert: 'HighLoad', selector: 'node_load1', op: '>', threshold: 4, resolveThreshold: 3, forMs: 60_000 })
 */
export const thresholdRule: Factory<z.ZodType<Parsed, ThresholdRuleOptions>, Alerter> = defineAlerter({
  name: 'threshold-rule',
  options: schema,
  create(o) {
    const matchers: LabelMatcher[] = parseMatchers(o.selector);
    const { tracker } = ruleTracker<number>(o, o.query);
    // with `query`, alerts wait for their annotations, rendered after the query (in order)
    const deferred = o.query ? deferredAnnotations(tracker) : undefined;
    const emit = (out: Alert[], a: Alert | undefined, id: number, series: Labels): void => {
      if (!a) return;
      if (deferred) deferred.add(a, series, tracker.active.get(id));
      else out.push(a);
    };
    // the selector's verdict per series id (0 not asked yet, 1 matches, 2 does not): a byte each, where a slot of a
    // plain array of booleans cost 8 bytes (and its growth slack) per series the rule sees, matching or not
    const matchCache = byteColumn();
    const last = new Map<number, Last>();
    const op = o.op;
    const holds = (active: boolean, v: number): boolean =>
      active && o.resolveThreshold !== undefined
        ? compare(op, v, o.resolveThreshold)
        : compare(op, v, o.threshold);

    const onMetrics = (input: AlerterInput, ctx: StageContext, out: Alert[]): void => {
      const b = input.metrics;
      if (!b) return;
      for (let i = 0; i < b.length; i++) {
        const id = b.series[i]!;
        let m = matchCache.get(id);
        if (m === 0) matchCache.set(id, (m = matchesLabels(matchers, ctx.series.labels(id)) ? 1 : 2));
        if (m !== 1) continue;
        const ts = b.timestamps[i]!;
        const value = b.values[i]!;
        const stale = b.stale?.[i] === 1;
        last.set(id, { ts, value, stale });
        const on = !stale && holds(tracker.active.has(id), value);
        const labels = ctx.series.labels(id);
        if (on) emit(out, tracker.endIfRelabelled(id, ts, labels, value), id, labels);
        emit(out, tracker.step(id, ts, on ? { labels, value } : undefined), id, labels);
      }
    };

    return {
      name: o.name ?? `rule:${o.alert}`,
      evaluate(input, ctx) {
        const out: Alert[] = [];
        onMetrics(input, ctx, out);
        for (const id of [...tracker.active.keys()]) {
          const l = last.get(id);
          if (l && ctx.now <= l.ts) continue;
          const gone = !l || l.stale || ctx.now - l.ts > o.staleAfterMs;
          const labels = ctx.series.labels(id);
          emit(out, tracker.step(id, ctx.now, gone ? undefined : { labels, value: l.value }), id, labels);
        }
        if (deferred) out.push(...deferred.ready());
        return out;
      },
      snapshot: () => ({
        alerts: tracker.snapshot(),
        last: [...last].map(([id, l]) => [tracker.active.get(id)?.fingerprint, l]),
      }),
      restore(state, ctx) {
        const s = state as { alerts?: unknown; last?: [string | undefined, Last][] } | undefined;
        const lastByFp = new Map((s?.last ?? []).filter(([fp]) => fp));
        for (const a of readSnapshot(s?.alerts)) {
          const id = ctx.series.intern(a.seriesLabels);
          if (id < 0) continue;
          tracker.active.set(id, a);
          const l = lastByFp.get(a.fingerprint);
          if (l) last.set(id, l);
        }
      },
    };
  },
});
