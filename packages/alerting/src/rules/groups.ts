import {
  type Alert,
  type Alerter,
  ArgusError,
  type Clock,
  type Emit,
  metricBatch,
  SERIES_REJECTED,
  type SeriesRegistry,
  type Source,
  systemClock,
  type TimerHandle,
} from '@argus/core';
import type { Engine, Queryable } from '@argus/promql';
import type { QueryFn } from '@argus/template';
import { parseDuration } from '../duration.js';
import {
  evaluateGroup,
  type GroupOutput,
  type GroupRuleState,
  type GroupState,
  type SampleAppender,
} from './group-eval.js';
import { type ApiAlert, type ApiRuleGroup, apiAlerts, apiGroup } from './groups-api.js';
import { engineOf } from './promql-evaluator.js';
import { setReplay } from './remote.js';
import { parseRuleFile } from './rule-file-schema.js';
import { scratchLayer } from './scratch.js';
import { engineTemplateQuery } from './template-query.js';
import { RuleTracker, readSnapshot } from './tracker.js';

/** One rule file: its text and the name shown in errors and in `/api/v1/rules` (`file`). */
export interface RuleFileText {
  readonly text: string;
  readonly file: string;
}

/** Options of {@link ruleGroups}. */
export interface RuleGroupsOptions {
  /** The rule files, their groups run in this order. */
  readonly files: readonly RuleFileText[];
  /** What the engine reads: `storeQueryable(store)` for the embedded store. */
  readonly queryable?: Queryable;
  /** An engine already made; wins over `queryable`. */
  readonly engine?: Engine;
  /**
   * Where recorded series and ALERTS / ALERTS_FOR_STATE are written the moment a rule has run, so that later rules
   * of the group and queries read them: the store the `queryable` reads (`store.append`). Needed when a file has
   * recording rules.
   */
  readonly appender?: SampleAppender;
  /** Most samples one rule evaluation may load. @default 50000000 */
  readonly maxSamples?: number;
  /** Group interval when a group sets none (Prometheus's `evaluation_interval`). @default 60000 */
  readonly defaultIntervalMs?: number;
  /** Prefix of the two plugins' names. @default 'rules' */
  readonly name?: string;
}

/** Rule groups running in process, as Prometheus's rule manager runs them. */
export interface RuleGroups {
  /**
   * Runs every group on its interval (from `listen` to `stop`) and emits what the rules produce — recorded
   * series, ALERTS, ALERTS_FOR_STATE and their stale markers — into the pipeline as metric batches.
   */
  readonly source: Source;
  /** Hands the alerts' state changes (pending, firing, inactive, resolved) to the pipeline. */
  readonly alerter: Alerter;
  /** `[source, alerter]`, for a pipeline's lists. */
  readonly plugins: readonly [Source, Alerter];
  /**
   * Runs the groups on their intervals without a pipeline (e.g. beside `argus serve`): results go only to the
   * `appender`, alerts only to {@link RuleGroups.alerts}. Not together with `source` in a pipeline.
   */
  start(options?: { clock?: Clock; log?: (message: string) => void }): void;
  /** Stops what `start` (or the source) runs; idempotent. */
  stop(): void;
  /**
   * Evaluates every group once at `atMs`, outside the schedule (tests, backfills). The alert changes are
   * returned, not queued for the alerter.
   */
  evaluateAt(
    atMs: number,
    signal?: AbortSignal,
    only?: (group: { readonly name: string; readonly intervalMs: number }) => boolean,
  ): Promise<GroupOutput[]>;
  /** Each group's name and interval, in file order. */
  readonly groups: readonly { readonly name: string; readonly file: string; readonly intervalMs: number }[];
  /** `data` of Prometheus's `/api/v1/rules` (`type`: only alerting or only recording rules). */
  rules(type?: 'alert' | 'record'): { groups: ApiRuleGroup[] };
  /** `data` of Prometheus's `/api/v1/alerts`: every pending and firing alert. */
  alerts(): { alerts: ApiAlert[] };
}

function buildGroups(o: RuleGroupsOptions, query: QueryFn): GroupState[] {
  const groups: GroupState[] = [];
  for (const f of o.files) {
    for (const g of parseRuleFile(f.text, f.file)) {
      const intervalMs =
        g.interval === undefined ? (o.defaultIntervalMs ?? 60_000) : parseDuration(g.interval);
      const rules = g.rules.map((r, i): GroupRuleState => {
        const id = `${f.file}: group ${JSON.stringify(g.name)} rule ${i} (${r.alert ?? r.record ?? 'unnamed'})`;
        const common = {
          expr: r.expr,
          labels: r.labels ?? {},
          health: 'unknown' as const,
          evaluationSeconds: 0,
          evaluations: 0,
        };
        if ((r.record === undefined) === (r.alert === undefined))
          throw new ArgusError('ERR_PIPELINE_CONFIG', `${id}: needs exactly one of "alert" and "record"`);
        if (r.record !== undefined) {
          if (!o.appender)
            throw new ArgusError(
              'ERR_PIPELINE_CONFIG',
              `${id}: a recording rule needs the appender option (the store its queryable reads) so later rules and queries see its series`,
            );
          return { type: 'recording', name: r.record, ...common, written: new Map() };
        }
        const alert = r.alert!;
        const forMs = r.for === undefined ? 0 : parseDuration(r.for, `${id}: for`);
        const keepFiringForMs =
          r.keep_firing_for === undefined ? 0 : parseDuration(r.keep_firing_for, `${id}: keep_firing_for`);
        const annotations = r.annotations ?? {};
        const tracker = new RuleTracker<string>({
          alert,
          forMs,
          keepFiringForMs,
          labels: common.labels,
          annotations,
          origin: `rule:${g.name}/${alert}`,
          query,
        });
        return {
          type: 'alerting',
          name: alert,
          ...common,
          forMs,
          keepFiringForMs,
          annotations,
          tracker,
          written: new Map(),
        };
      });
      groups.push({
        name: g.name,
        file: f.file,
        intervalMs,
        limit: g.limit ?? 0,
        rules,
        evaluationSeconds: 0,
        evaluations: 0,
      });
    }
  }
  return groups;
}

/** A metric batch of what a group produced, interned in the pipeline's registry. */
function toBatch(out: GroupOutput, series: SeriesRegistry) {
  const ids: number[] = [];
  const values: number[] = [];
  const stale: number[] = [];
  for (const s of out.samples) {
    const id = series.intern(s.labels);
    if (id === SERIES_REJECTED) continue;
    ids.push(id);
    values.push(s.value);
    stale.push(s.stale ? 1 : 0);
  }
  return metricBatch(
    Int32Array.from(ids),
    new Float64Array(ids.length).fill(out.at),
    Float64Array.from(values),
    stale.includes(1) ? Uint8Array.from(stale) : undefined,
  );
}

/**
 * Runs the rule groups of Prometheus rule files in process on @argus/promql's engine, recording rules included:
 * each group evaluates its rules in order at its interval, all at one timestamp; a recording rule's series are
 * written to the `appender` (the store) at once, so later rules of the group and queries read them, and emitted
 * into the pipeline with ALERTS/ALERTS_FOR_STATE by `source`; `alerter` hands the alert changes to the pipeline.
 * An evaluation is bounded by the group's interval, the engine's sample limit and timeout, and stops with the source.
 * @example
 * const store = createStore();
 * const groups = ruleGroups({ files: [{ file: 'rules.yml', text }], queryable: storeQueryable(store), appender: store });
 * createPipeline({ sources: [scrape, groups.source], alerters: [groups.alerter], sinks: [storeSink(store)] });
 */
export function ruleGroups(o: RuleGroupsOptions): RuleGroups {
  const engine = engineOf(o, 'ruleGroups');
  const groups = buildGroups(o, engineTemplateQuery(engine));
  const prefix = o.name ?? 'rules';
  const queued: Alert[] = [];
  const timers = new Map<GroupState, TimerHandle>();
  let stopCtl = new AbortController();
  let clock: Clock | undefined;

  const runOnce = async (g: GroupState, at: number, signal: AbortSignal): Promise<GroupOutput> => {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(g.intervalMs)]);
    return evaluateGroup(g, at, engine, bounded, o.appender);
  };

  /** Runs every group on its interval until stop; `onOutput` gets what each evaluation produced. */
  const schedule = (
    c: Clock,
    onOutput: (out: GroupOutput) => Promise<unknown> | undefined,
    warn: (message: string) => void,
  ): void => {
    clock = c;
    stopCtl = new AbortController();
    for (const g of groups) {
      let running = false;
      const tick = (): void => {
        if (stopCtl.signal.aborted) return;
        timers.set(g, c.setTimeout(tick, g.intervalMs));
        if (running) return; // Prometheus skips (and counts) an iteration while the last one runs
        running = true;
        runOnce(g, c.now(), stopCtl.signal)
          .then(onOutput)
          .catch((err: unknown) => warn(`rule group ${g.name}: ${(err as Error).message}`))
          .finally(() => {
            running = false;
          });
      };
      tick();
    }
  };
  const unschedule = (): void => {
    stopCtl.abort();
    for (const t of timers.values()) clock?.clearTimeout(t);
    timers.clear();
  };

  const source: Source = {
    kind: 'source',
    name: `${prefix}:groups`,
    apiVersion: 1,
    listen(emit: Emit, ctx) {
      schedule(
        ctx.clock,
        (out) => {
          queued.push(...out.alerts);
          return out.samples.length > 0 ? emit(toBatch(out, ctx.series)) : undefined;
        },
        (m) => ctx.log.warn(m),
      );
    },
    stop: unschedule,
  };

  const alerter: Alerter = {
    kind: 'alerter',
    name: `${prefix}:alerts`,
    apiVersion: 1,
    evaluate() {
      return queued.length === 0 ? undefined : queued.splice(0);
    },
    snapshot() {
      const out: Record<string, unknown> = {};
      for (const g of groups)
        for (const r of g.rules)
          if (r.type === 'alerting') out[`${g.file}/${g.name}/${r.name}`] = r.tracker.snapshot();
      return out;
    },
    restore(state) {
      if (typeof state !== 'object' || state === null) return;
      for (const g of groups)
        for (const r of g.rules) {
          if (r.type !== 'alerting') continue;
          for (const a of readSnapshot((state as Record<string, unknown>)[`${g.file}/${g.name}/${r.name}`]))
            r.tracker.active.set(a.fingerprint, a);
        }
    },
  };

  setReplay(alerter, async (fromMs, toMs, signal, onProgress) => {
    if (!o.queryable) throw new Error('ruleGroups: a backtest needs the queryable option');
    // a copy of the groups over a scratch layer: what its recording rules write never reaches the real store
    const layer = scratchLayer(o.queryable);
    const copy = ruleGroups({
      files: o.files,
      queryable: layer.queryable,
      appender: layer.appender,
      ...(o.maxSamples === undefined ? {} : { maxSamples: o.maxSamples }),
      ...(o.defaultIntervalMs === undefined ? {} : { defaultIntervalMs: o.defaultIntervalMs }),
    });
    // every group on its own grid from `fromMs`; evaluations at the same time run in file order
    const times = new Set<number>();
    for (const g of groups) for (let t = fromMs; t < toMs; t += g.intervalMs) times.add(t);
    const grid = [...times].sort((a, b) => a - b);
    const out: Alert[] = [];
    for (const [i, t] of grid.entries()) {
      if (signal.aborted) throw signal.reason;
      for (const r of await copy.evaluateAt(t, signal, (g) => (t - fromMs) % g.intervalMs === 0))
        out.push(...r.alerts);
      onProgress?.(i + 1, grid.length);
    }
    return out;
  });

  return {
    source,
    alerter,
    plugins: [source, alerter],
    start(o = {}) {
      schedule(o.clock ?? systemClock, () => undefined, o.log ?? ((m) => console.warn(m)));
    },
    stop: unschedule,
    groups: groups.map((g) => ({ name: g.name, file: g.file, intervalMs: g.intervalMs })),
    async evaluateAt(atMs, signal, only) {
      const outs: GroupOutput[] = [];
      for (const g of groups)
        if (!only || only(g)) outs.push(await runOnce(g, atMs, signal ?? new AbortController().signal));
      return outs;
    },
    rules: (type) => ({ groups: groups.map((g) => apiGroup(g, type)) }),
    alerts: () => ({ alerts: apiAlerts(groups) }),
  };
}
