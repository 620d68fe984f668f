import { EventEmitter } from 'eventemitter3';
import type { SourceBatch } from '../batch.js';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { ArgusError } from '../errors.js';
import type { Finding } from '../finding.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { Detector, Health, Plugin } from '../plugin.js';
import { createSeriesRegistry, type SeriesRegistry } from '../series.js';
import { memoryStateStore } from '../state/store.js';
import { type BatchDeps, type BatchOptions, type BatchSummary, runBatch } from './batch-run.js';
import {
  type PipelineOptions,
  type Resolved,
  type ResolvedSettings,
  resolveEntries,
  resolveSettings,
} from './config.js';
import { PluginContexts } from './contexts.js';
import { deadlineSignal } from './deadline.js';
import type { PipelineEvents, PipelineState } from './events.js';
import { HeapGuard } from './heap-guard.js';
import {
  healthcheckAll,
  type LifecycleDeps,
  restoreSnapshots,
  saveSnapshots,
  startAll,
  stopAll,
} from './lifecycle.js';
import type { PipelineStats } from './stats.js';
import { type DrainDeps, drainAndStop } from './stop-flow.js';
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
 * A thin facade: the lifecycle, the wiring, the shutdown and batch runs live in their own modules, each handed
 * only the parts of the pipeline it uses.
 */
export class Pipeline extends EventEmitter<PipelineEvents> {
  /** The series registry shared by every plugin of this pipeline. */
  readonly series: SeriesRegistry;
  readonly clock: Clock;
  private readonly log: Logger;
  private readonly settings: ResolvedSettings;
  private readonly entries: Resolved<Plugin>[];
  private readonly active = new Set<string>();
  private readonly forceCtl = new AbortController();
  private readonly telemetry: Telemetry;
  private readonly contexts: PluginContexts;
  private readonly wiring: Wiring;
  private readonly life: LifecycleDeps;
  private readonly heap: HeapGuard;
  private mode: 'stream' | 'batch' = 'stream';
  private dataNow = 0;
  private lifecycle: PipelineState = 'created';
  private chain: Promise<void> = Promise.resolve();
  private stopPromise: Promise<void> | undefined;
  private timers: TimerHandle[] = [];
  private lastRejected = 0;

  constructor(options: PipelineOptions) {
    super();
    this.settings = resolveSettings(options);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? consoleLogger('warn');
    const state = options.state ?? memoryStateStore();
    const names = new Set<string>();
    const sources = resolveEntries('source', options.sources, names);
    const processors = resolveEntries('processor', options.processors, names);
    const detectors = resolveEntries('detector', options.detectors, names);
    const alerters = resolveEntries('alerter', options.alerters, names);
    const sinks = resolveEntries('sink', options.sinks, names);
    this.entries = [...sources, ...processors, ...detectors, ...alerters, ...sinks] as Resolved<Plugin>[];
    this.heap = new HeapGuard(this.settings.maxHeapBytes, this.clock, this.log);
    this.series = createSeriesRegistry({
      maxSeries: this.settings.maxSeries,
      onLimit: (max) =>
        this.log.warn(
          `series limit of ${max} reached: samples of new series are dropped until maxSeries is raised (pipeline option maxSeries)`,
        ),
      accept: () => this.heap.accepting,
    });
    const contexts = new PluginContexts({
      clock: this.clock,
      log: this.log,
      series: this.series,
      state,
      mode: () => this.mode,
    });
    this.contexts = contexts;
    for (const e of this.entries) contexts.stats(e.plugin.name, e.plugin.kind);
    contexts.stats('pipeline', 'pipeline');
    const telemetry = new Telemetry(
      this,
      (name) => contexts.stats(name),
      this.clock,
      this.log,
      options.onError,
    );
    this.telemetry = telemetry;
    const now = (): number => this.now();
    this.wiring = wire({
      clock: this.clock,
      sources,
      processors,
      detectors,
      alerters,
      sinks,
      contexts,
      telemetry,
      active: this.active,
      force: this.forceCtl.signal,
      chunkSize: this.settings.chunkSize,
      now,
      enqueue: (work) => this.enqueue(work),
      ingest: (batch) => this.ingest(batch),
    });
    this.life = {
      clock: this.clock,
      log: this.log,
      entries: this.entries,
      active: this.active,
      force: this.forceCtl.signal,
      state,
      stats: (name) => contexts.stats(name),
      report: (err) => telemetry.report(err),
      context: (name, signal, deadline) => contexts.plugin(name, signal, deadline),
      stageContext: (name, t) => contexts.stage(name, t),
      now,
      retrying: () => this.lifecycle === 'running' || this.lifecycle === 'starting',
      startedLate: (name) => {
        this.wiring.sinks.find((r) => r.name === name)?.activate();
        const src = this.wiring.sources.find((r) => r.name === name);
        if (src && this.lifecycle === 'running') void src.begin();
      },
    };
  }

  /** The lifecycle state. */
  get status(): PipelineState {
    return this.lifecycle;
  }

  /** Starts every plugin (sinks first, sources last, each under `startTimeoutMs`), then the data flow. */
  async start(options: StartOptions = {}): Promise<void> {
    this.expectState('created', 'start');
    try {
      await this.startPlugins(options.startTimeoutMs ?? 10_000);
    } catch (err) {
      await stopAll(this.life, 5_000).catch(() => undefined);
      throw err;
    }
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
    return runBatch(this.batchDeps(), options);
  }

  /** Calls every plugin's `healthcheck` (a dry run: nothing is started). */
  validate(options: { timeoutMs?: number } = {}): Promise<Record<string, Health>> {
    return healthcheckAll(this.life, options.timeoutMs ?? 5_000);
  }

  /** A snapshot of counters and latencies per plugin, and series counts. */
  stats(): PipelineStats {
    return {
      state: this.lifecycle,
      series: { active: this.series.size, rejected: this.series.rejected, max: this.settings.maxSeries },
      plugins: this.contexts.snapshot(),
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

  /** Serialises work on the stage so plugin state is never touched concurrently. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private now(): number {
    return this.mode === 'batch' ? this.dataNow : this.clock.now();
  }

  private setState(s: PipelineState): void {
    this.lifecycle = s;
    this.telemetry.emit('state', s);
  }

  /** Starts the plugins and restores their state, then opens the sinks: `starting` → `running` (or `failed`). */
  private async startPlugins(startTimeoutMs: number): Promise<void> {
    this.setState('starting');
    try {
      await startAll(this.life, startTimeoutMs);
      await restoreSnapshots(this.life);
    } catch (err) {
      this.setState('failed');
      throw err;
    }
    for (const r of this.wiring.sinks) if (this.active.has(r.name)) r.activate();
    this.setState('running');
  }

  private batchDeps(): BatchDeps {
    const t = this.telemetry;
    return {
      sources: this.wiring.sources.map((r) => r.entry),
      active: this.active,
      force: this.forceCtl.signal,
      enterBatchMode: (from) => {
        this.mode = 'batch';
        this.dataNow = from;
      },
      advance: (at) => {
        this.dataNow = Math.max(this.dataNow, at);
      },
      startPlugins: (ms) => this.startPlugins(ms),
      context: (name, signal, deadline) => this.contexts.plugin(name, signal, deadline),
      count: (name, field, n) => t.count(name, field, n),
      emit: (event, ...args) => t.emit(event, ...args),
      observe: (onFinding: (f: Finding) => void, onAlert) => {
        this.on('finding', onFinding);
        this.on('alert', onAlert);
        return () => {
          this.off('finding', onFinding);
          this.off('alert', onAlert);
        };
      },
      ingest: (batch) => this.ingest(batch),
      tick: (at) => this.enqueue(() => this.wiring.stage.tick(at)),
      stop: (timeoutMs) => this.stop({ timeoutMs }),
    };
  }

  private drainDeps(): DrainDeps {
    const { sources, sinks, judges, stage } = this.wiring;
    return {
      sources,
      sinks,
      judges,
      stopPlugins: (kinds, signal) => stopAll(this.life, signal, kinds),
      idle: () => this.chain,
      flushProcessors: () => this.enqueue(() => stage.flushProcessors(this.now())),
      saveSnapshots: () => saveSnapshots(this.life),
      force: (reason) => this.forceCtl.abort(reason),
      flushDrops: () => this.telemetry.flushDrops(),
    };
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
      await drainAndStop(this.drainDeps(), signal);
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
    const stage = this.wiring.stage;
    const kinds = (k: Plugin['kind']) => this.entries.filter((e) => e.plugin.kind === k);
    if (kinds('alerter').length > 0 || kinds('detector').some((d) => (d.plugin as Detector).tick)) {
      every(this.settings.evaluateIntervalMs, () => {
        void this.enqueue(() => stage.tick(this.now()));
      });
    }
    every(this.settings.snapshotIntervalMs, () => void saveSnapshots(this.life));
  }

  private reportRejectedSeries(): void {
    const rejected = this.series.rejected;
    if (rejected === this.lastRejected) return;
    const n = rejected - this.lastRejected;
    this.lastRejected = rejected;
    this.contexts.stats('pipeline').dropped += n;
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
