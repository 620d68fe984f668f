import { type Alert, type Alerter, fingerprint, type TimerHandle } from '@argus/core';
import type { ExpressionEvaluator, VectorSample } from './expr.js';
import { type RuleSpec, RuleTracker, readSnapshot } from './tracker.js';

/** Options of {@link evaluatedRule}. */
export interface EvaluatedRuleOptions extends RuleSpec {
  /** Plugin name. */
  readonly name: string;
  readonly expr: string;
  readonly evaluator: ExpressionEvaluator;
  /** How often `expr` is queried (the rule group's `interval`). */
  readonly intervalMs: number;
}

/**
 * A rule whose expression is evaluated by an {@link ExpressionEvaluator} (e.g. a Prometheus server). The query runs
 * on the plugin's own timer, off the hot path; each result is applied at the next `evaluate` with vector semantics:
 * every element is an active alert, every tracked alert missing from the vector stops holding.
 */
export function evaluatedRule(o: EvaluatedRuleOptions): Alerter {
  const tracker = new RuleTracker<string>(o);
  let pending: { at: number; vector: readonly VectorSample[] } | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const ctl = new AbortController();
  return {
    kind: 'alerter',
    name: o.name,
    apiVersion: 1,
    start(ctx) {
      const tick = (): void => {
        if (stopped) return;
        const at = ctx.clock.now();
        o.evaluator.query(o.expr, at, ctl.signal).then(
          (vector) => {
            pending = { at, vector };
          },
          (err: unknown) =>
            ctx.log.warn(
              `rule ${o.alert}: evaluating ${JSON.stringify(o.expr)} on ${o.evaluator.name} failed: ${(err as Error).message}`,
            ),
        );
        timer = ctx.clock.setTimeout(tick, o.intervalMs);
      };
      tick();
    },
    stop(ctx) {
      stopped = true;
      ctl.abort();
      if (timer) ctx.clock.clearTimeout(timer);
    },
    evaluate() {
      if (!pending) return undefined;
      const { at, vector } = pending;
      pending = undefined;
      const out: Alert[] = [];
      const seen = new Set<string>();
      for (const s of vector) {
        const key = fingerprint(s.labels);
        seen.add(key);
        const a = tracker.step(key, at, s);
        if (a) out.push(a);
      }
      for (const key of [...tracker.active.keys()]) {
        if (seen.has(key)) continue;
        const a = tracker.step(key, at, undefined);
        if (a) out.push(a);
      }
      return out;
    },
    snapshot: () => tracker.snapshot(),
    restore(state) {
      for (const a of readSnapshot(state)) tracker.active.set(fingerprint(a.seriesLabels), a);
    },
  };
}
