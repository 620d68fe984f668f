import type { Alert } from './alert.js';
import type { AlertEvent, LogBatch, MetricBatch, SourceBatch } from './batch.js';
import type { Clock } from './clock.js';
import type { Finding, FindingVerdict } from './finding.js';
import type { Logger } from './logger.js';
import type { SeriesRegistry } from './series.js';
import type { SnapshotParts } from './state/snapshot-encode.js';
import type { StateStore } from './state/store.js';

/** The plugin API version this core implements. A plugin declaring another is refused with `ERR_PLUGIN_API_VERSION`. */
export const API_VERSION = 1 as const;

/** A hook for plugins to report their own metrics; the runtime aggregates them into `pipeline.stats()`. */
export interface MetricsHook {
  /** Adds `value` (default 1) to a counter. */
  count(name: string, value?: number): void;
  /** Sets a gauge. */
  gauge(name: string, value: number): void;
  /** Records one observation (e.g. a latency in ms); the snapshot keeps count, sum and max. */
  observe(name: string, value: number): void;
}

/** What every lifecycle hook (`start`, `stop`, `poll`, `write`, …) receives. */
export interface PluginContext {
  /** Aborts when the hook's deadline passes or the pipeline is forced down. Pass it to fetch() and friends. */
  readonly signal: AbortSignal;
  /** Deadline of this call in ms since epoch (`Infinity` when none). */
  readonly deadline: number;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: MetricsHook;
  /** The pipeline's series registry: intern label sets here, once per series. */
  readonly series: SeriesRegistry;
  /** Durable key/value state, scoped to this plugin. */
  readonly state: StateStore;
}

/** What synchronous hot-path hooks (`process`, `detect`, `evaluate`) receive. No signal: they must not wait. */
export interface StageContext {
  /** Current time: the clock in stream mode, the data's time in batch mode. */
  readonly now: number;
  readonly mode: 'stream' | 'batch';
  readonly series: SeriesRegistry;
  readonly log: Logger;
  readonly metrics: MetricsHook;
}

/** The outcome of a health check. */
export interface Health {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly message?: string;
}

/** Members shared by every plugin kind. */
export interface PluginBase {
  /** Unique within a pipeline; appears in every error, event and stat. Letters, digits, `-`, `_`, `.`, `/`, `:`. */
  readonly name: string;
  /** The plugin API version it was written against; must equal {@link API_VERSION}. */
  readonly apiVersion: typeof API_VERSION;
  /**
   * Opens connections, listeners, files. Called once, before any data. May throw: the runtime applies the
   * entry's `onStartError` policy. Deadline: the pipeline's `startTimeoutMs` (an error names this plugin when it passes).
   */
  start?(ctx: PluginContext): Promise<void> | void;
  /**
   * Releases everything `start` opened. Called once, after the data flow has drained. Must respect `ctx.signal`:
   * when it aborts, give up and return. A throw is reported, never propagated.
   */
  stop?(ctx: PluginContext): Promise<void> | void;
  /** Reports whether the plugin can do its work now (called by `pipeline.validate()` and the health endpoint). */
  healthcheck?(ctx: PluginContext): Promise<Health> | Health;
}

/** Range of a historical read, ms since epoch, `from` inclusive, `to` exclusive. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
  /** Resolution the caller wants; sources that store raw samples may return them as they are. */
  readonly stepMs: number;
}

/** Hands a batch from a push source to the pipeline; resolves `false` when the pipeline no longer accepts data. */
export type Emit = (batch: SourceBatch) => Promise<boolean>;

/**
 * Produces data. Pulled on a schedule (`poll`), pushing (`listen`), and/or reading history for batch mode (`readRange`).
 * At least one of the three must be present.
 */
export interface Source extends PluginBase {
  readonly kind: 'source';
  /** Poll interval used when the pipeline entry gives none. @default 15000 */
  readonly defaultIntervalMs?: number;
  /**
   * Collects once. Called on the schedule, never concurrently with itself (a tick is skipped while a poll runs).
   * May throw or reject: the error is reported, the source is marked unhealthy, and the next tick retries with backoff.
   * Deadline: the entry's `timeoutMs`.
   */
  poll?(
    ctx: PluginContext,
  ):
    | Promise<SourceBatch | readonly SourceBatch[] | undefined>
    | SourceBatch
    | readonly SourceBatch[]
    | undefined;
  /**
   * For push sources: called once after `start`; the source calls `emit` whenever data arrives until `stop`.
   * `emit` resolves once the pipeline has taken the batch (backpressure), `false` after shutdown began.
   */
  listen?(emit: Emit, ctx: PluginContext): Promise<void> | void;
  /** Reads history for batch mode, in time order. May throw: the batch run fails naming this source. */
  readRange?(range: TimeRange, ctx: PluginContext): AsyncIterable<SourceBatch>;
}

/**
 * Transforms metric batches (filter, relabel, rate, aggregate, downsample). Synchronous, on the hot path:
 * no I/O, no waiting. Must not modify the input batch's arrays; may return it unchanged.
 */
export interface Processor extends PluginBase {
  readonly kind: 'processor';
  /** Called for every metric batch, in order. A throw drops the batch (counted) and reports the error. */
  process(batch: MetricBatch, ctx: StageContext): MetricBatch;
  /** Optional: transforms log batches; without it logs pass through unchanged. */
  processLogs?(batch: LogBatch, ctx: StageContext): LogBatch;
  /** Emits what the processor still holds (open windows). Called at stop and at the end of a batch run. */
  flush?(ctx: StageContext): MetricBatch | undefined;
  /**
   * Returns JSON-serialisable state to persist (e.g. last counter values); restored on the next start.
   * Series ids are not stable across restarts: key per-series state by `ctx.series.fingerprint(id)` or labels.
   */
  snapshot?(ctx: StageContext): unknown;
  /**
   * Optional, for large state: the snapshot in parts whose entries core takes lazily, a slice at a time, yielding
   * the event loop between slices; used instead of `snapshot` when present. `restore` gets the assembled value.
   */
  snapshotParts?(ctx: StageContext): SnapshotParts;
  /** Restores what `snapshot` returned; re-intern series through `ctx.series`. A throw is reported and the plugin starts fresh. */
  restore?(state: unknown, ctx: StageContext): void;
}

/** A late verdict on a finding, from {@link Detector.judge}. */
export interface JudgedFinding {
  readonly findingId: string;
  readonly verdict: FindingVerdict;
}

/**
 * Judges series. Either synchronous on the hot path (`detect`: statistical detectors, per series state in typed
 * arrays) or an asynchronous side job (`judge`: e.g. an LLM, seconds per call) that never blocks the pipeline;
 * its verdicts update the finding and any alert built on it. A detector may have both.
 */
export interface Detector extends PluginBase {
  readonly kind: 'detector';
  /** Scores every sample of the batch and returns findings worth reporting. Synchronous; a throw is reported and the batch goes on. */
  detect?(batch: MetricBatch, ctx: StageContext): readonly Finding[] | undefined;
  /**
   * Called on the runtime's timer (`evaluateIntervalMs`; in batch mode at the end of each window) with no data:
   * for what only the passing of time reveals — a series that stopped reporting, a missed expected sample.
   * Synchronous; a throw is reported.
   */
  tick?(ctx: StageContext): readonly Finding[] | undefined;
  /** Which findings (of any detector) `judge` wants to see. @default every finding */
  select?(finding: Finding): boolean;
  /**
   * Judges findings off the hot path, with bounded concurrency (the entry's `concurrency`) and a deadline
   * (`timeoutMs`). May reject: the findings keep their original score.
   */
  judge?(findings: readonly Finding[], ctx: PluginContext): Promise<readonly JudgedFinding[]>;
  /** JSON-serialisable learned state (baselines), saved at stop and periodically; restored at start. See {@link Processor.snapshot}. */
  snapshot?(ctx: StageContext): unknown;
  /** Large state in parts, encoded a slice at a time. See {@link Processor.snapshotParts}. */
  snapshotParts?(ctx: StageContext): SnapshotParts;
  restore?(state: unknown, ctx: StageContext): void;
}

/** What an alerter is given on each evaluation; fields are absent when there is nothing of that kind. */
export interface AlerterInput {
  readonly metrics?: MetricBatch;
  readonly findings?: readonly Finding[];
  /** Findings whose verdicts changed since they were first reported. */
  readonly updatedFindings?: readonly Finding[];
  readonly logs?: LogBatch;
  readonly events?: readonly AlertEvent[];
  /** Source health that changed (for "source down" alerts, like Prometheus's `up == 0`). */
  readonly health?: readonly SourceHealth[];
}

/** Health of one source as the runtime sees it. */
export interface SourceHealth {
  readonly source: string;
  readonly up: boolean;
  readonly since: number;
  readonly lastError?: string;
}

/**
 * Turns samples, findings and events into alerts. Synchronous. Called for each batch and on a timer
 * (`evaluateIntervalMs`, with an empty input) so time-based rules (`for`, absent) advance without data.
 * Returns only the alerts whose state changed.
 */
export interface Alerter extends PluginBase {
  readonly kind: 'alerter';
  evaluate(input: AlerterInput, ctx: StageContext): readonly Alert[] | undefined;
  /** Alert states to persist (pending/firing with their start times). See {@link Processor.snapshot}. */
  snapshot?(ctx: StageContext): unknown;
  /** Large state in parts, encoded a slice at a time. See {@link Processor.snapshotParts}. */
  snapshotParts?(ctx: StageContext): SnapshotParts;
  restore?(state: unknown, ctx: StageContext): void;
}

/** What a sink may accept. */
export type SinkInputKind = 'metrics' | 'logs' | 'findings' | 'alerts';

/** A batch of findings for sinks. */
export interface FindingBatch {
  readonly kind: 'findings';
  readonly findings: readonly Finding[];
}

/** A batch of alert state changes for sinks. */
export interface AlertBatch {
  readonly kind: 'alerts';
  readonly alerts: readonly Alert[];
}

/** What a sink's `write` receives; `kind` is one of the sink's `accepts`. */
export type SinkBatch = MetricBatch | LogBatch | FindingBatch | AlertBatch;

/** The outcome of a write. Sinks return errors as values; a throw is treated as a retryable failure. */
export type WriteResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryable: boolean; readonly error: Error };

/**
 * Delivers data out of the pipeline. Each sink has its own buffer and worker: a slow or failing sink never
 * stalls the others. The runtime batches, retries with backoff and times out; the sink writes once per call.
 */
export interface Sink extends PluginBase {
  readonly kind: 'sink';
  /** The kinds of batch this sink wants. */
  readonly accepts: readonly SinkInputKind[];
  /**
   * Writes one batch. Called sequentially (never concurrently with itself). Must respect `ctx.signal`
   * (the entry's `timeoutMs`). Must not modify the batch. After `stop` it must return `{ ok: false }`.
   */
  write(batch: SinkBatch, ctx: PluginContext): Promise<WriteResult> | WriteResult;
  /** Pushes out anything the sink buffers itself. Called before `stop`. */
  flush?(ctx: PluginContext): Promise<void> | void;
}

/** Any Argus plugin. */
export type Plugin = Source | Processor | Detector | Alerter | Sink;

/** Kinds of plugin. */
export type PluginKind = Plugin['kind'];
