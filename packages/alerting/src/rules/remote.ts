import type { Alert, Alerter, Clock, TimerHandle } from '@argus/core';
import type { ExpressionEvaluator, VectorSample } from './expr.js';
import { applyVector, type RenderedTemplates, type RuleSpec, RuleTracker, readSnapshot } from './tracker.js';

/** Options of {@link evaluatedRule}. */
export interface EvaluatedRuleOptions extends RuleSpec {
  /** Plugin name. */
  readonly name: string;
  readonly expr: string;
  readonly evaluator: ExpressionEvaluator;
  /** How often `expr` is queried (the rule group's `interval`). */
  readonly intervalMs: number;
}

/** Replays a rule over `[fromMs, toMs)`: the alerts it would have emitted, in order. */
export type Replay = (
  fromMs: number,
  toMs: number,
  signal: AbortSignal,
  onProgress?: (done: number, total: number) => void,
) => Promise<Alert[]>;

/** Rules whose evaluation happens elsewhere, with how to replay them (a pipeline's runBatch cannot await them). */
const replays = new WeakMap<Alerter, Replay>();

/** Registers how {@link backtest} replays an alerter whose evaluation happens off the pipeline's data. */
export function setReplay(rule: Alerter, replay: Replay): void {
  replays.set(rule, replay);
}

/** The replay of an evaluator-backed rule, or `undefined` for any other alerter. */
export function replayOf(rule: Alerter): Replay | undefined {
  return replays.get(rule);
}

/** An instant vector at `at`, each sample's labels and annotations rendered (Prometheus renders them at `at`). */
interface RenderedVector {
  readonly at: number;
  readonly vector: readonly VectorSample[];
  readonly rendered: readonly RenderedTemplates[];
}

async function renderVector(
  tracker: RuleTracker<string>,
  at: number,
  vector: readonly VectorSample[],
): Promise<RenderedVector> {
  const rendered: RenderedTemplates[] = [];
  for (const s of vector) rendered.push(await tracker.render(s.labels, s.value, at));
  return { at, vector, rendered };
}

/** Applies one rendered instant vector (see {@link applyVector}). */
const applyRendered = (tracker: RuleTracker<string>, { at, vector, rendered }: RenderedVector): Alert[] =>
  applyVector(
    tracker,
    at,
    vector.map((s, i) => ({ ...s, rendered: rendered[i] })),
  );

/** The instant vectors of a range evaluation, by grid time. */
async function vectorsOver(
  o: EvaluatedRuleOptions,
  fromMs: number,
  toMs: number,
  signal: AbortSignal,
): Promise<Map<number, VectorSample[]>> {
  const byTime = new Map<number, VectorSample[]>();
  for (let t = fromMs; t < toMs; t += o.intervalMs) byTime.set(t, []);
  if (o.evaluator.queryRange) {
    for (const s of await o.evaluator.queryRange(o.expr, fromMs, toMs, o.intervalMs, signal)) {
      for (const [k, t] of s.timestamps.entries())
        byTime.get(t)?.push({ labels: s.labels, value: s.values[k]! });
    }
    return byTime;
  }
  for (const t of byTime.keys()) byTime.set(t, [...(await o.evaluator.query(o.expr, t, signal))]);
  return byTime;
}

/**
 * One query of the evaluator (user code): a synchronous throw becomes a rejection, and a query still running after
 * the rule's interval is aborted and rejected even when the evaluator ignores its signal.
 */
function boundedQuery(
  o: EvaluatedRuleOptions,
  at: number,
  stop: AbortSignal,
  clock: Clock,
): Promise<readonly VectorSample[]> {
  const ctl = new AbortController();
  const onStop = (): void => ctl.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const timer = clock.setTimeout(
    () => ctl.abort(new Error(`no answer within the rule's interval (${o.intervalMs} ms)`)),
    o.intervalMs,
  );
  const abandoned = new Promise<never>((_, reject) =>
    ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason), { once: true }),
  );
  return Promise.race([
    Promise.resolve().then(() => o.evaluator.query(o.expr, at, ctl.signal)),
    abandoned,
  ]).finally(() => {
    clock.clearTimeout(timer);
    stop.removeEventListener('abort', onStop);
  });
}

/**
 * A rule whose expression is evaluated by an {@link ExpressionEvaluator} (e.g. a Prometheus server). The query runs
 * on the plugin's own timer, off the hot path; each result is applied at the next `evaluate` with vector semantics:
 * every element is an active alert, every tracked alert missing from the vector stops holding. `backtest` replays
 * it from a range evaluation at the rule's interval.
 */
export function evaluatedRule(o: EvaluatedRuleOptions): Alerter {
  const tracker = new RuleTracker<string>(o);
  let pending: RenderedVector | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const ctl = new AbortController();
  const rule: Alerter = {
    kind: 'alerter',
    name: o.name,
    apiVersion: 1,
    start(ctx) {
      let querying = false;
      const tick = (): void => {
        if (stopped) return;
        // a query still running is not asked again; its deadline (set before the next tick's timer) cuts it off
        if (!querying) {
          querying = true;
          const at = ctx.clock.now();
          boundedQuery(o, at, ctl.signal, ctx.clock)
            .then((vector) => renderVector(tracker, at, vector))
            .then(
              (r) => {
                pending = r;
              },
              (err: unknown) =>
                ctx.log.warn(
                  `rule ${o.alert}: evaluating ${JSON.stringify(o.expr)} on ${o.evaluator.name} failed: ${(err as Error).message}`,
                ),
            )
            .finally(() => {
              querying = false;
            });
        }
        timer = ctx.clock.setTimeout(tick, o.intervalMs);
      };
      tick();
    },
    stop(ctx) {
      stopped = true;
      ctl.abort();
      if (timer) ctx.clock.clearTimeout(timer);
    },
    evaluate(_input, ctx) {
      if (!pending) return undefined;
      const r = pending;
      pending = undefined;
      try {
        return applyRendered(tracker, r);
      } catch (err) {
        ctx.log.warn(`rule ${o.alert}: evaluating ${JSON.stringify(o.expr)}: ${(err as Error).message}`);
        return undefined;
      }
    },
    snapshot: () => tracker.snapshot(),
    restore(state) {
      for (const a of readSnapshot(state)) tracker.active.set(a.fingerprint, a);
    },
  };
  replays.set(rule, async (fromMs, toMs, signal) => {
    // a tracker of its own: a backtest never touches the live rule's state
    const replay = new RuleTracker<string>(o);
    const out: Alert[] = [];
    for (const [at, vector] of await vectorsOver(o, fromMs, toMs, signal))
      out.push(...applyRendered(replay, await renderVector(replay, at, vector)));
    return out;
  });
  return rule;
}
