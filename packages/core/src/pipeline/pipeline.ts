import { EventEmitter } from 'eventemitter3';
import type { SourceBatch } from '../batch.js';
import { type Clock, systemClock } from '../clock.js';
import { ArgusError, type PluginError } from '../errors.js';
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
  TimeRange,
} from '../plugin.js';
import { createSeriesRegistry, type SeriesRegistry } from '../series.js';
import { memoryStateStore, type StateStore, scopedStateStore } from '../state/store.js';
import { type BatchOptions, type BatchSummary, runBatch } from './batch-run.js';
import {
  type PipelineOptions,
  type Resolved,
  type ResolvedSettings,
  resolveEntries,
  resolveSettings,
} from './config.js';
import { deadlineSignal } from './deadline.js';
import { DropReporter } from './drops.js';
import type { DropReason, PipelineEvents, PipelineState } from './events.js';
import { JudgeRunner } from './judge-runner.js';
import { restoreSnapshots, saveSnapshots, startAll, stopAll } from './lifecycle.js';
import { SinkRunner } from './sink-runner.js';
import { SourceRunner } from './source-runner.js';
import { Stage } from './stage.js';
import { copyStats, emptyStats, metricsHook, type PipelineStats, type PluginStats } from './stats.js';

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
  /** @internal */ readonly stage: Stage;
  /** @internal */ readonly active: Set<string> = new Set<string>();
  /** @internal */ readonly forceCtl: AbortController = new AbortController();
  /** @internal */ readonly state: StateStore;
  private readonly pluginStats = new Map<string, PluginStats>();
  private readonly sinkRunners: SinkRunner[];
  private readonly sourceRunners: SourceRunner[];
  private readonly judgeRunners: JudgeRunner[];
  private readonly drops = new Map<string, DropReporter>();
  private readonly onError: (err: PluginError) => void;
  private lifecycle: PipelineState = 'created';
  private chain: Promise<void> = Promise.resolve();
  private stopPromise: Promise<void> | undefined;
  private timers: ReturnType<typeof setInterval>[] = [];
  private lastRejected = 0;
  private heapCheckAt = 0;
  private heapOver = false;
  /** @internal */ mode: 'stream' | 'batch' = 'stream';
  /** @internal */ dataNow = 0;

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
    this.onError = options.onError ?? this.defaultOnError();
    this.series = createSeriesRegistry({
      maxSeries: this.settings.maxSeries,
      onLimit: (max) =>
        this.log.warn(
          `series limit of ${max} reached: samples of new series are dropped until series go away or maxSeries is raised`,
        ),
      accept: () => !this.heapOver,
    });
    for (const e of this.allEntries()) this.pluginStats.set(e.plugin.name, emptyStats(e.plugin.kind));
    this.pluginStats.set('pipeline', emptyStats('pipeline'));
    const force = this.forceCtl.signal;
    this.sinkRunners = this.sinks.map(
      (e) =>
        new SinkRunner(e, {
          clock: this.clock,
          stats: this.stats(e.plugin.name),
          context: (signal, deadline) => this.context(e.plugin.name, signal, deadline),
          report: (err) => this.report(err),
          dropped: (n, reason) => this.dropped(e.plugin.name, n, reason),
          sent: (n) => {
            this.stats(e.plugin.name).sent += n;
            this.safeEmit('sent', { plugin: e.plugin.name, count: n });
          },
          blocked: (queued) => this.safeEmit('blocked', { plugin: e.plugin.name, queued }),
          force,
        }),
    );
    this.judgeRunners = this.detectors
      .filter((e) => e.plugin.judge)
      .map(
        (e) =>
          new JudgeRunner(e, {
            clock: this.clock,
            stats: this.stats(e.plugin.name),
            context: (signal, deadline) => this.context(e.plugin.name, signal, deadline),
            report: (err) => this.report(err),
            updated: (findings) => this.enqueue(() => this.lateVerdicts(findings)),
            dropped: (n) => this.dropped(e.plugin.name, n, 'judgeQueueFull'),
            force,
          }),
      );
    this.sourceRunners = this.sources.map(
      (e) =>
        new SourceRunner(e, {
          clock: this.clock,
          stats: this.stats(e.plugin.name),
          context: (signal, deadline) => this.context(e.plugin.name, signal, deadline),
          ingest: (batch) => this.ingest(batch),
          report: (err) => this.report(err),
          health: (h) => this.onHealth(h),
          force,
        }),
    );
    this.stage = new Stage({
      processors: this.processors,
      detectors: this.detectors,
      alerters: this.alerters,
      stats: (n) => this.stats(n),
      context: (n, now) => this.stageContext(n, now),
      isActive: (n) => this.active.has(n),
      report: (err) => this.report(err),
      onFinding: (f) => this.safeEmit('finding', f),
      onAlert: (a) => this.safeEmit('alert', a),
      toJudges: (fs) => {
        for (const j of this.judgeRunners) if (this.active.has(j.name)) j.offer(fs);
      },
      toSinks: (b) => this.toSinks(b),
      chunkSize: this.settings.chunkSize,
    });
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
    for (const r of this.sinkRunners) if (this.active.has(r.name)) r.activate();
    this.setState('running');
    this.startTimers();
    for (const r of this.sourceRunners) if (this.active.has(r.name)) void r.begin();
  }

  /**
   * Stops against the data flow under one deadline: sources first, then drain the graph, flush processors,
   * finish asynchronous judges, save state, drain and flush sinks, then stop everything. Idempotent: concurrent
   * and later calls get the same promise. Data handed in before `stop()` is delivered unless the deadline passes.
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopPromise ??= this.doStop(options.timeoutMs ?? 10_000);
    return this.stopPromise;
  }

  /** `await using pipeline = createPipeline(…)` stops it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.lifecycle === 'created') {
      this.setState('stopped');
      return Promise.resolve();
    }
    return this.stop();
  }

  /** Runs the same graph over history read from the sources' `readRange`. See {@link BatchOptions}. */
  runBatch(options: BatchOptions): Promise<BatchSummary> {
    this.expectState('created', 'runBatch');
    return runBatch(this, options);
  }

  /** Calls every plugin's `healthcheck` (a dry run: nothing is started). */
  async validate(options: { timeoutMs?: number } = {}): Promise<Record<string, Health>> {
    const out: Record<string, Health> = {};
    await Promise.all(
      this.allEntries().map(async ({ plugin }) => {
        if (!plugin.healthcheck) return;
        const { signal, deadline, dispose } = deadlineSignal(this.clock, options.timeoutMs ?? 5_000);
        try {
          out[plugin.name] = await plugin.healthcheck(this.context(plugin.name, signal, deadline));
        } catch (err) {
          out[plugin.name] = { status: 'down', message: err instanceof Error ? err.message : String(err) };
        } finally {
          dispose();
        }
      }),
    );
    return out;
  }

  /** A snapshot of counters and latencies per plugin, and series counts. */
  stats(): PipelineStats;
  /** @internal */
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
      this.checkLimits();
      return this.stage.ingest(batch, this.now());
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

  /** @internal */ runners(): { sources: SourceRunner[]; sinks: SinkRunner[]; judges: JudgeRunner[] } {
    return { sources: this.sourceRunners, sinks: this.sinkRunners, judges: this.judgeRunners };
  }

  /** @internal */ context(name: string, signal: AbortSignal, deadline: number): PluginContext {
    return {
      signal,
      deadline,
      log: childLogger(this.log, { plugin: name }),
      clock: this.clock,
      metrics: metricsHook(this.stats(name)),
      series: this.series,
      state: scopedStateStore(this.state, name),
    };
  }

  /** @internal */ stageContext(name: string, now: number): StageContext {
    const s = this.stats(name);
    return { now, mode: this.mode, series: this.series, log: this.log, metrics: metricsHook(s) };
  }

  /** @internal */ report(err: PluginError): void {
    this.safeEmit('error', err);
    try {
      this.onError(err);
    } catch (e) {
      this.log.error('onError handler threw', { error: e });
    }
  }

  /** @internal */ setState(s: PipelineState): void {
    this.lifecycle = s;
    this.safeEmit('state', s);
  }

  /** @internal */ clearTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** @internal */ flushDrops(): void {
    for (const d of this.drops.values()) d.flush();
  }

  /** @internal Emits without letting a listener's throw escape (eventemitter3 would abort the emit). */
  safeEmit<K extends keyof PipelineEvents>(event: K, ...args: PipelineEvents[K]): void {
    const listeners = this.listeners(event) as ((...a: unknown[]) => void)[];
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        if (event === 'error') this.log.error('an error listener threw', { error: err });
        else this.report(toListenerError(err, event));
      }
    }
  }

  private async doStop(timeoutMs: number): Promise<void> {
    if (this.lifecycle === 'created' || this.lifecycle === 'stopped' || this.lifecycle === 'failed') {
      this.setState('stopped');
      return;
    }
    this.setState('stopping');
    this.clearTimers();
    const { signal, dispose } = deadlineSignal(this.clock, timeoutMs);
    try {
      await drainAndStop(this, signal);
    } finally {
      dispose();
      this.setState('stopped');
    }
  }

  private startTimers(): void {
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    if (this.alerters.length > 0) {
      every(this.settings.evaluateIntervalMs, () => {
        void this.enqueue(() => this.stage.evaluateOnly({}, this.now()));
      });
    }
    every(this.settings.snapshotIntervalMs, () => {
      void saveSnapshots(this);
    });
  }

  private lateVerdicts(findings: Finding[]): Promise<void> {
    for (const f of findings) this.safeEmit('findingUpdated', f);
    return this.stage.evaluateOnly({ updatedFindings: findings }, this.now());
  }

  private onHealth(h: SourceHealth): void {
    this.safeEmit('health', h);
    if (this.alerters.length > 0)
      void this.enqueue(() => this.stage.evaluateOnly({ health: [h] }, this.now()));
  }

  private async toSinks(batch: SinkBatch): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const r of this.sinkRunners) {
      if (r.accepts(batch.kind) && (this.active.has(r.name) || r.entry.onStartError === 'retry'))
        waits.push(r.offer(batch));
    }
    if (waits.length > 0) await Promise.all(waits);
  }

  private dropped(plugin: string, count: number, reason: DropReason): void {
    let d = this.drops.get(plugin);
    if (!d) {
      d = new DropReporter(this.clock, (n, why, first) => {
        if (first)
          this.log.warn(`${plugin}: dropped ${n} item(s) (${why}); further drops in this burst are summed`);
        this.safeEmit('dropped', { plugin, count: n, reason: why });
      });
      this.drops.set(plugin, d);
    }
    d.add(count, reason);
  }

  private checkLimits(): void {
    const rejected = this.series.rejected;
    if (rejected > this.lastRejected) {
      const n = rejected - this.lastRejected;
      this.lastRejected = rejected;
      this.stats('pipeline').dropped += n;
      this.dropped('pipeline', n, this.heapOver ? 'memoryLimit' : 'seriesLimit');
    }
    const cap = this.settings.maxHeapBytes;
    if (cap === undefined) return;
    const t = this.clock.now();
    if (t - this.heapCheckAt < 1000) return;
    this.heapCheckAt = t;
    const over = process.memoryUsage().heapUsed > cap;
    if (over !== this.heapOver) {
      this.heapOver = over;
      if (over)
        this.log.warn(`heap above maxHeapBytes (${cap} bytes): new series are refused until it drops`);
    }
  }

  private expectState(want: PipelineState, action: string): void {
    if (this.lifecycle !== want) {
      throw new ArgusError(
        'ERR_PIPELINE_STATE',
        `cannot ${action}: the pipeline is ${this.lifecycle} (a pipeline runs once; create a new one)`,
      );
    }
  }

  private defaultOnError(): (err: PluginError) => void {
    const seen = new Set<string>();
    return (err) => {
      const key = `${err.plugin}:${err.code}`;
      if (seen.has(key)) return;
      seen.add(key);
      this.log.warn(
        `${err.message} (further ${err.code} errors from ${err.plugin} are not logged; listen to 'error' events to see all)`,
      );
    };
  }
}

async function drainAndStop(p: Pipeline, signal: AbortSignal): Promise<void> {
  const { sources, sinks, judges } = p.runners();
  await Promise.all(sources.map((r) => r.end(signal)));
  await stopAll(p, signal, ['source']);
  await raceSignal(p.idle(), signal);
  await raceSignal(
    p.enqueue(() => p.stage.flushProcessors(p.now())),
    signal,
  );
  await Promise.all(judges.map((j) => j.drain(signal)));
  await raceSignal(p.idle(), signal);
  await saveSnapshots(p);
  await Promise.all(sinks.map((s) => s.drain(signal)));
  if (signal.aborted) p.forceCtl.abort(signal.reason);
  for (const j of judges) j.abandon();
  for (const s of sinks) s.close();
  await stopAll(p, signal, ['sink', 'alerter', 'detector', 'processor']);
  p.flushDrops();
}

function raceSignal(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    work.then(
      () => resolve(),
      () => resolve(),
    );
  });
}

function toListenerError(err: unknown, event: string): PluginError {
  const message = err instanceof Error ? err.message : String(err);
  const e = new Error(`a '${event}' listener threw: ${message}`) as Error & { cause?: unknown };
  e.cause = err;
  return Object.assign(e, {
    name: 'PluginError',
    code: 'ERR_PLUGIN_FAILED',
    plugin: 'listener',
    hook: 'listener',
    retryable: false,
  }) as unknown as PluginError;
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

export type { TimeRange };
