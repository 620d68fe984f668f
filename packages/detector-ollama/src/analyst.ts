// Batch analyses with the same model, budgets and guards as the detector, for callers outside the stream
// (a job over a stored range, a CLI command, the server): trend reports and alert-group recommendations.
import {
  type Clock,
  type Logger,
  type MetricsHook,
  parseOptions,
  silentLogger,
  systemClock,
} from '@argus/core';
import { type CallContext, type JudgeState, judgeState } from './ask.js';
import { resolveHost } from './client.js';
import { type OllamaDetectorOptions, optionsSchema } from './options.js';
import { type Prober, startProbe } from './probe.js';
import { type AlertGroupInput, type GroupAlert, type Recommendations, recommend } from './recommend.js';
import { type TrendGroup, type TrendReport, trendReport } from './trend.js';

/** Where an analyst's clock, log and metrics come from; each has a default. */
export interface AnalystDeps {
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default silentLogger */
  readonly log?: Logger;
  readonly metrics?: MetricsHook;
}

/** Per call: a signal and a deadline (ms since epoch on the analyst's clock). */
export interface AnalysisCall {
  readonly signal?: AbortSignal;
  /** @default no deadline but the plugin's timeoutMs per model call */
  readonly deadline?: number;
}

/** An alert group as the alert manager hands it to an investigator (its alerts carry `status`). */
export interface InvestigatedGroup {
  readonly groupLabels: AlertGroupInput['groupLabels'];
  readonly alerts: readonly (GroupAlert & { readonly status?: string })[];
}

/** Batch analyses by an Ollama model; see {@link ollamaAnalyst}. */
export interface OllamaAnalyst {
  /** Checks the model with `/api/tags`, as the detector does: a missing model throws; no answer → degraded. */
  start(): Promise<void>;
  /** Aborts every call in flight; idempotent. */
  stop(): void;
  /** A trend report of one group; the numbers always, the model's assessment when it answered in budget. */
  trendReport(group: TrendGroup, call?: AnalysisCall): Promise<TrendReport>;
  /** Recommendations for one alert group, with the annotations that carry them; advice only. */
  recommend(group: AlertGroupInput, call?: AnalysisCall): Promise<Recommendations>;
  /**
   * A background investigation for `@argus/alerting`'s `investigation` option: the group's recommendations as
   * annotations, or `undefined` when the model had no valid answer (the manager then sends no follow-up).
   * @example
   * createAlertManager({ config, investigation: { investigate: (g, ctx) => analyst.investigate(g, ctx) } });
   */
  investigate(
    group: InvestigatedGroup,
    call?: AnalysisCall,
  ): Promise<Readonly<Record<string, string>> | undefined>;
}

const noMetrics: MetricsHook = { count() {}, gauge() {}, observe() {} };

/**
 * Batch analyses (trend reports) with the same options, budgets, breaker and validation as
 * {@link ollamaDetector}. Nothing is sent before `start()`; a call never throws.
 * @example
 * const analyst = ollamaAnalyst({ model: 'qwen2.5:3b' });
 * await analyst.start();
 * const report = await analyst.trendReport({ name: 'disks', limit: 1, series });
 */
export function ollamaAnalyst(options: OllamaDetectorOptions, deps: AnalystDeps = {}): OllamaAnalyst {
  const o = parseOptions(optionsSchema, options, 'ollama-analyst');
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  const s: JudgeState = judgeState(o, resolveHost(o.host), clock);
  let prober: Prober | undefined;
  const ctxOf = (call: AnalysisCall): CallContext => ({
    signal: call.signal ?? new AbortController().signal,
    deadline: call.deadline ?? Number.POSITIVE_INFINITY,
    log,
    metrics,
  });
  return {
    async start() {
      prober ??= await startProbe(s, { log });
    },
    stop() {
      prober?.stop();
      s.stopping.abort(new Error(`${o.name}: stopped`));
    },
    trendReport: (group, call = {}) => trendReport(s, group, ctxOf(call)),
    recommend: (group, call = {}) => recommend(s, group, ctxOf(call)),
    async investigate(group, call = {}) {
      const alerts = group.alerts.map((a) => ({ ...a, state: a.state ?? a.status }));
      const r = await recommend(s, { groupLabels: group.groupLabels, alerts }, ctxOf(call));
      return r.unjudged ? undefined : r.annotations;
    },
  };
}
