import { EventEmitter } from 'eventemitter3';
import type { SourceBatch } from '../batch.js';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { ArgusError } from '../errors.js';
import type { Finding } from '../finding.js';
import { childLogger, consoleLogger, type Logger } from '../logger.js';
import type {
  Alerter,
  Detector,
  Health,
  Plugin,
  PluginContext,
  Processor,
  Sink,
  SinkBatch,
  Source,
  SourceHealth,
  StageContext,
} from '../plugin.js';
import { createSeriesRegistry, type SeriesRegistry } from '../series.js';
import { memoryStateStore, type StateStore, scopedStateStore } from '../state/store.js';
import { type BatchOptions, type BatchSummary, runBatch } from './batch-run.js';
import type { BaseContext } from './call-context.js';
import {
  type PipelineOptions,
  type Resolved,
  type ResolvedSettings,
  resolveEntries,
  resolveSettings,
} from './config.js';
import { deadlineSignal } from './deadline.js';
import type { PipelineEvents, PipelineState } from './events.js';
import { HeapGuard } from './heap-guard.js';
import { healthcheckAll, restoreSnapshots, saveSnapshots, startAll, stopAll } from './lifecycle.js';
import { copyStats, emptyStats, metricsHook, type PipelineStats, type PluginStats } from './stats.js';
import { drainAndStop } from './stop-flow.js';
import { Telemetry } from './telemetry.js';
import { type Wiring, wire } from './wiring.js';

/** Options of {@link Pipeline.start}. */
export interface StartOptions {
  /** Deadline of each plugin's `start`; the error names the plugin that missed it. @default 10000 */
  startTimeoutMs?: number;
}

/** Options of {@link Pipeline.stop}. */
export interface StopOptions {
  /** One deadline for the whole shutdown; when it passes, what is left is dropped (counted). @default 10000 */
  timeoutMs?: number;
}

/**
 * A running graph of sources → processors → detectors → alerters → sinks. Create it with {@link createPipeline}.
 * Emits typed events ({@link PipelineEvents}); listeners that throw are caught and reported as errors.
 * Members marked internal are shared with the runtime's own modules and are not part of the API.
 */
export class Pipeline extends EventEmitter<PipelineEvents> {
  /** The series registry shared by every plugin of this pipeline. */
  readonly series: SeriesRegistry;
  readonly clock: Clock;
  /** @internal */ readonly log: Logger;
  /** @internal */ readonly settings: ResolvedSettings;
  /** @internal */ readonly sources: Resolved<Source>[];
  /** @internal */ readonly processors: Resolved<Processor>[];
  /** @internal */ readonly detectors: Resolved<Detector>[];
  /** @internal */ readonly alerters: Resolved<Alerter>[];
  /** @internal */ readonly sinks: Resolved<Sink>[];
  /** @internal */ readonly active: Set<string> = new Set<string>();
  /** @internal */ readonly forceCtl: AbortController = new AbortController();
  /** @internal */ readonly state: StateStore;
  /** @internal */ readonly wiring: Wiring;
  /** @internal */ readonly telemetry: Telemetry;
  /** @internal */ mode: 'stream' | 'batch' = 'stream';
  /** @internal */ dataNow = 0;
  private readonly pluginStats = new Map<string, PluginStats>();
  private readonly heap: HeapGuard;
  private readonly bases = new Map<string, BaseContext>();
  private readonly stageContexts = new Map<
    string,
    { -readonly [K in keyof StageContext]: StageContext[K] }
  >();
  private lifecycle: PipelineState = 'created';
  private chain: Promise<void> = Promise.resolve();
  private stopPromise: Promise<void> | undefined;
  private timers: TimerHandle[] = [];

  constructor(options: PipelineOptions) {
    super();
    this.settings = resolveSettings(options);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? consoleLogger('warn');
    this.state = options.state ?? memoryStateStore();
    const names = new Set<string>();
    this.sources = resolveEntries('source', options.sources, names);
    this.processors = resolveEntries('processor', options.processors, names);
    this.detectors = resolveEntries('detector', options.detectors, names);
    this.alerters = resolveEntries('alerter', options.alerters, names);
    this.sinks = resolveEntries('sink', options.sinks, names);
    this.telemetry = new Telemetry(this, this.clock, this.log, options.onError);
    this.heap = new HeapGuard(this.settings.maxHeapBytes, this.clock, this.log);
    this.series = createSeriesRegistry({
      maxSeries: this.settings.maxSeries,
      onLimit: (max) =>
        this.log.warn(
          `series limit of ${max} reached: samples of new series are dropped until maxSeries is raised (pipeline option maxSeries)`,
        ),
      accept: () => this.heap.accepting,
    });
    for (const e of this.allEntries()) this.pluginStats.set(e.plugin.name, emptyStats(e.plugin.kind));
    this.pluginStats.set('pipeline', emptyStats('pipeline'));
    this.wiring = wire(this);
  }

  /** The lifecycle state. */
  get status(): PipelineState {
    return this.lifecycle;
  }

  /** Starts every plugin (sinks first, sources last, each under `startTimeoutMs`), then the data flow. */
  async start(options: StartOptions = {}): Promise<void> {
    this.expectState('created', 'start');
    this.setState('starting');
    try {
      await startAll(this, options.startTimeoutMs ?? 10_000);
      await restoreSnapshots(this);
    } catch (err) {
      this.setState('failed');
      await stopAll(this, 5_000).catch(() => undefined);
      throw err;
    }
    for (const r of this.wiring.sinks) if (this.active.has(r.name)) r.activate();
    this.setState('running');
    this.startTimers();
    for (const r of this.wiring.sources) if (this.active.has(r.name)) void r.begin();
  }

  /**
   * Stops against the data flow under one deadline (see `drainAndStop`). Idempotent: concurrent and later
   * calls get the same promise. Data handed in before `stop()` is delivered unless the deadline passes.
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopPromise ??= this.doStop(options.timeoutMs ?? 10_000);
    return this.stopPromise;
  }

  /** `await using pipeline = createPipeline(…)` stops it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Runs the same graph once over history read from the sources' `readRange`, then stops. See {@link BatchOptions}. */
  runBatch(options: BatchOptions): Promise<BatchSummary> {
    this.expectState('created', 'runBatch');
    return runBatch(this, options);
  }

  /** Calls every plugin's `healthcheck` (a dry run: nothing is started). */
  validate(options: { timeoutMs?: number } = {}): Promise<Record<string, Health>> {
    return healthcheckAll(this, options.timeoutMs ?? 5_000);
  }

  /** A snapshot of counters and latencies per plugin, and series counts. */
  stats(): PipelineStats;
  /** @internal The live stats object of one plugin. */
  stats(name: string): PluginStats;
  stats(name?: string): PipelineStats | PluginStats {
    if (name !== undefined) {
      let s = this.pluginStats.get(name);
      if (!s) this.pluginStats.set(name, (s = emptyStats('unknown')));
      return s;
    }
    const plugins: Record<string, PluginStats> = {};
    for (const [n, s] of this.pluginStats) plugins[n] = copyStats(s);
    return {
      state: this.lifecycle,
      series: { active: this.series.size, rejected: this.series.rejected, max: this.settings.maxSeries },
      plugins,
    };
  }

  /** Hands a batch to the graph directly (what sources do); resolves when it has been processed. */
  ingest(batch: SourceBatch): Promise<void> {
    if (this.lifecycle !== 'running' && this.lifecycle !== 'stopping') {
      return Promise.reject(
        new ArgusError('ERR_PIPELINE_STATE', `cannot ingest while the pipeline is ${this.lifecycle}`),
      );
    }
    return this.enqueue(() => {
      this.heap.check();
      this.reportRejectedSeries();
      return this.wiring.stage.ingest(batch, this.now());
    });
  }

  /** @internal Serialises work on the stage so plugin state is never touched concurrently. */
  enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** @internal Resolves when all queued stage work is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** @internal */ now(): number {
    return this.mode === 'batch' ? this.dataNow : this.clock.now();
  }

  /** @internal */ allEntries(): Resolved<Plugin>[] {
    return [
      ...this.sources,
      ...this.processors,
      ...this.detectors,
      ...this.alerters,
      ...this.sinks,
    ] as Resolved<Plugin>[];
  }

  /** @internal */ context(name: string, signal: AbortSignal, deadline: number): PluginContext {
    return { ...this.baseContext(name), signal, deadline };
  }

  /** @internal The per-plugin parts of every context, built once. */
  baseContext(name: string): BaseContext {
    let b = this.bases.get(name);
    if (!b) {
      b = {
        log: childLogger(this.log, { plugin: name }),
        clock: this.clock,
        metrics: metricsHook(this.stats(name)),
        series: this.series,
        state: scopedStateStore(this.state, name),
      };
      this.bases.set(name, b);
    }
    return b;
  }

  /** @internal One reused object per plugin: the hot path allocates no context per chunk. */
  stageContext(name: string, now: number): StageContext {
    let c = this.stageContexts.get(name);
    if (!c) {
      const b = this.baseContext(name);
      c = { now, mode: this.mode, series: this.series, log: b.log, metrics: b.metrics };
      this.stageContexts.set(name, c);
    }
    c.now = now;
    c.mode = this.mode;
    return c;
  }

  /** @internal */ setState(s: PipelineState): void {
    this.lifecycle = s;
    this.telemetry.emit('state', s);
  }

  /** @internal */ lateVerdicts(findings: Finding[]): Promise<void> {
    for (const f of findings) this.telemetry.emit('findingUpdated', f);
    return this.wiring.stage.evaluateOnly({ updatedFindings: findings }, this.now());
  }

  /** @internal */ onHealth(h: SourceHealth): void {
    this.telemetry.emit('health', h);
    if (this.alerters.length > 0)
      void this.enqueue(() => this.wiring.stage.evaluateOnly({ health: [h] }, this.now()));
  }

  /** @internal Fans a batch out to every sink accepting its kind; waits only for `block` buffers. */
  async toSinks(batch: SinkBatch): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const r of this.wiring.sinks) {
      if (r.accepts(batch.kind) && (this.active.has(r.name) || r.entry.onStartError === 'retry'))
        waits.push(r.offer(batch));
    }
    if (waits.length > 0) await Promise.all(waits);
  }

  private async doStop(timeoutMs: number): Promise<void> {
    if (this.lifecycle === 'created' || this.lifecycle === 'stopped' || this.lifecycle === 'failed') {
      this.setState('stopped');
      return;
    }
    this.setState('stopping');
    for (const t of this.timers) this.clock.clearTimeout(t);
    const { signal, dispose } = deadlineSignal(this.clock, timeoutMs);
    try {
      await drainAndStop(this, signal);
    } finally {
      dispose();
      this.setState('stopped');
    }
  }

  private startTimers(): void {
    // on the injected clock, so tests on fake time drive the evaluation timer too
    const every = (ms: number, fn: () => void): void => {
      const slot = this.timers.length;
      const arm = (): void => {
        this.timers[slot] = this.clock.setTimeout(() => {
          if (this.lifecycle !== 'running') return;
          fn();
          arm();
        }, ms);
      };
      arm();
    };
    if (this.alerters.length > 0 || this.detectors.some((d) => d.plugin.tick)) {
      every(this.settings.evaluateIntervalMs, () => {
        void this.enqueue(() => this.wiring.stage.tick(this.now()));
      });
    }
    every(this.settings.snapshotIntervalMs, () => void saveSnapshots(this));
  }

  private lastRejected = 0;
  private reportRejectedSeries(): void {
    const rejected = this.series.rejected;
    if (rejected === this.lastRejected) return;
    const n = rejected - this.lastRejected;
    this.lastRejected = rejected;
    this.stats('pipeline').dropped += n;
    this.telemetry.dropped('pipeline', n, this.heap.accepting ? 'seriesLimit' : 'memoryLimit');
  }

  private expectState(want: PipelineState, action: string): void {
    if (this.lifecycle !== want) {
      throw new ArgusError(
        'ERR_PIPELINE_STATE',
        `cannot ${action}: the pipeline is ${this.lifecycle} (a pipeline runs once; create a new one)`,
      );
    }
  }
}

/**
 * Creates a pipeline. Validates every plugin (shape, unique names, `apiVersion`) and entry option at once,
 * throwing an error that names the plugin and the field; does no I/O.
 * @example
 * const pipeline = createPipeline({ sources: [src], detectors: [det], sinks: [memorySink()] });
 * await pipeline.start();
 * process.once('SIGTERM', () => void pipeline.stop({ timeoutMs: 5_000 }));
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  return new Pipeline(options);
}
