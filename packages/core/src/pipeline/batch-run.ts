import type { SourceBatch } from '../batch.js';
import { ArgusError, toPluginError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { PluginContext, Source } from '../plugin.js';
import type { Resolved } from './config.js';
import type { PipelineEvents } from './events.js';
import { sourceCount } from './source-runner.js';

/** What a batch run needs from a pipeline. */
export interface BatchDeps {
  readonly sources: readonly Resolved<Source>[];
  readonly active: ReadonlySet<string>;
  /** Aborts when shutdown is forced. */
  readonly force: AbortSignal;
  /** Switches to batch mode with the data's time at `from`. */
  enterBatchMode(from: number): void;
  /** Moves the data's time forward to `t` (never back). */
  advance(t: number): void;
  /** Starts the plugins (state `starting` → `running`, or `failed` and rethrows). */
  startPlugins(startTimeoutMs: number): Promise<void>;
  context(name: string, signal: AbortSignal, deadline: number): PluginContext;
  count(name: string, field: 'sent', n: number): void;
  emit<K extends keyof PipelineEvents>(event: K, ...args: PipelineEvents[K]): void;
  /** Subscribes to findings and alerts; returns the unsubscribe. */
  observe(onFinding: (f: Finding) => void, onAlert: () => void): () => void;
  ingest(batch: SourceBatch): Promise<void>;
  /** Queues a tick of the stage at `now`. */
  tick(now: number): Promise<void>;
  stop(timeoutMs: number): Promise<void>;
}

/** Options of {@link Pipeline.runBatch}. */
export interface BatchOptions {
  /** Start of the range, ms since epoch (inclusive). */
  from: number;
  /** End of the range, ms since epoch (exclusive). */
  to: number;
  /** Resolution asked of the sources. */
  stepMs: number;
  /** History is read window by window, every source per window, so sources interleave in time. @default max(stepMs × 1000, 1 h), at most the range */
  windowMs?: number;
  /** Deadline of each plugin's `start`. @default 10000 */
  startTimeoutMs?: number;
  /** Deadline of the final drain and stop. @default 60000 */
  stopTimeoutMs?: number;
  /** Aborts the run; what was processed is still flushed. */
  signal?: AbortSignal;
}

/** What a batch run did. */
export interface BatchSummary {
  readonly samples: number;
  readonly findings: number;
  readonly alerts: number;
  readonly windows: number;
  readonly durationMs: number;
  readonly aborted: boolean;
}

/**
 * Runs the pipeline's graph once over [from, to): starts the plugins, reads each source's `readRange`
 * window by window (so sources interleave in time), runs every batch through processors, detectors and
 * alerters with `ctx.now` at the data's time, then flushes, drains and stops. Sources without `readRange`
 * are left out; a pipeline with none is refused.
 */
export async function runBatch(d: BatchDeps, o: BatchOptions): Promise<BatchSummary> {
  if (!(Number.isFinite(o.from) && Number.isFinite(o.to) && o.to > o.from)) {
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `runBatch: need finite from < to, got from=${o.from} to=${o.to}`,
    );
  }
  if (!(o.stepMs > 0))
    throw new ArgusError('ERR_PIPELINE_CONFIG', `runBatch: stepMs must be > 0, got ${o.stepMs}`);
  const readers = d.sources.filter((e) => e.plugin.readRange);
  if (readers.length === 0) {
    const names = d.sources.map((s) => s.plugin.name).join(', ') || 'none';
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `runBatch: no source can read history (readRange); sources: ${names}`,
    );
  }
  const t0 = performance.now();
  const windowMs = Math.min(o.to - o.from, o.windowMs ?? Math.max(o.stepMs * 1000, 3_600_000));
  let samples = 0;
  let findings = 0;
  let alerts = 0;
  const unobserve = d.observe(
    () => void findings++,
    () => void alerts++,
  );
  d.enterBatchMode(o.from);
  try {
    await d.startPlugins(o.startTimeoutMs ?? 10_000);
  } catch (err) {
    unobserve();
    throw err;
  }
  const total = Math.ceil((o.to - o.from) / windowMs);
  let done = 0;
  try {
    for (let w = o.from; w < o.to && !o.signal?.aborted; w += windowMs) {
      const end = Math.min(o.to, w + windowMs);
      for (const { plugin: src } of readers) {
        if (!d.active.has(src.name)) continue;
        const ctx = d.context(src.name, o.signal ?? d.force, Number.POSITIVE_INFINITY);
        try {
          for await (const batch of src.readRange!({ from: w, to: end, stepMs: o.stepMs }, ctx)) {
            const n = sourceCount(batch);
            samples += batch.kind === 'metrics' ? n : 0;
            d.count(src.name, 'sent', n);
            if (batch.kind === 'metrics' && n > 0) d.advance(batch.timestamps[n - 1]!);
            await d.ingest(batch);
            if (o.signal?.aborted) break;
          }
        } catch (err) {
          throw toPluginError(err, src.name, 'readRange');
        }
      }
      d.advance(end);
      await d.tick(end);
      done++;
      d.emit('progress', { done, total, fraction: done / total, at: end });
    }
  } finally {
    await d.stop(o.stopTimeoutMs ?? 60_000);
    unobserve();
  }
  return {
    samples,
    findings,
    alerts,
    windows: done,
    durationMs: performance.now() - t0,
    aborted: o.signal?.aborted ?? false,
  };
}
