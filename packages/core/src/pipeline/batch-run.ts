import { ArgusError, toPluginError } from '../errors.js';
import { restoreSnapshots, startAll } from './lifecycle.js';
import type { Pipeline } from './pipeline.js';
import { sourceCount } from './source-runner.js';

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
export async function runBatch(p: Pipeline, o: BatchOptions): Promise<BatchSummary> {
  if (!(Number.isFinite(o.from) && Number.isFinite(o.to) && o.to > o.from)) {
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `runBatch: need finite from < to, got from=${o.from} to=${o.to}`,
    );
  }
  if (!(o.stepMs > 0))
    throw new ArgusError('ERR_PIPELINE_CONFIG', `runBatch: stepMs must be > 0, got ${o.stepMs}`);
  const readers = p.sources.filter((e) => e.plugin.readRange);
  if (readers.length === 0) {
    const names = p.sources.map((s) => s.plugin.name).join(', ') || 'none';
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
  const countFinding = (): void => void findings++;
  const countAlert = (): void => void alerts++;
  p.on('finding', countFinding);
  p.on('alert', countAlert);
  p.mode = 'batch';
  p.dataNow = o.from;
  p.setState('starting');
  try {
    await startAll(p, o.startTimeoutMs ?? 10_000);
    await restoreSnapshots(p);
  } catch (err) {
    p.setState('failed');
    throw err;
  }
  for (const r of p.wiring.sinks) if (p.active.has(r.name)) r.activate();
  p.setState('running');
  const total = Math.ceil((o.to - o.from) / windowMs);
  let done = 0;
  try {
    for (let w = o.from; w < o.to && !o.signal?.aborted; w += windowMs) {
      const end = Math.min(o.to, w + windowMs);
      for (const { plugin: src } of readers) {
        if (!p.active.has(src.name)) continue;
        const ctx = p.context(src.name, o.signal ?? p.forceCtl.signal, Number.POSITIVE_INFINITY);
        try {
          for await (const batch of src.readRange!({ from: w, to: end, stepMs: o.stepMs }, ctx)) {
            const n = sourceCount(batch);
            samples += batch.kind === 'metrics' ? n : 0;
            p.telemetry.count(src.name, 'sent', n);
            if (batch.kind === 'metrics' && n > 0) p.dataNow = Math.max(p.dataNow, batch.timestamps[n - 1]!);
            await p.ingest(batch);
            if (o.signal?.aborted) break;
          }
        } catch (err) {
          throw toPluginError(err, src.name, 'readRange');
        }
      }
      p.dataNow = end;
      await p.enqueue(() => p.wiring.stage.tick(end));
      done++;
      p.telemetry.emit('progress', { done, total, fraction: done / total, at: end });
    }
  } finally {
    await p.stop({ timeoutMs: o.stopTimeoutMs ?? 60_000 });
    p.off('finding', countFinding);
    p.off('alert', countAlert);
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
