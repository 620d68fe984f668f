import {
  type Alert,
  API_VERSION,
  type Finding,
  type LogRecord,
  type SeriesRegistry,
  type Sink,
  type SinkBatch,
  type SinkInputKind,
  type WriteResult,
} from '@argus/core';
import { rowsOf, type SampleRow } from './context.js';

/** Options of {@link memorySink}. */
export interface MemorySinkOptions {
  /** @default 'memory' */
  name?: string;
  /** @default ['metrics', 'logs', 'findings', 'alerts'] */
  accepts?: readonly SinkInputKind[];
}

/** A sink that keeps everything it is given, for assertions. */
export interface MemorySink extends Sink {
  /** Every batch written, in order (the batches themselves, not copies). */
  readonly batches: SinkBatch[];
  /** Whether `stop` has been called. */
  readonly stopped: boolean;
  /** Metric samples with labels resolved through the pipeline's series registry. */
  samples(): SampleRow[];
  findings(): Finding[];
  alerts(): Alert[];
  logs(): LogRecord[];
  /** Resolves once `predicate(sink)` holds (checked now and after each write); rejects after `timeoutMs`. */
  waitFor(predicate: (sink: MemorySink) => boolean, timeoutMs?: number): Promise<void>;
  /** Forgets what was collected. */
  clear(): void;
}

const ALL_KINDS: readonly SinkInputKind[] = ['metrics', 'logs', 'findings', 'alerts'];

/**
 * An in-memory sink (like OpenTelemetry's in-memory exporter): collects batches and offers flat views.
 * After `stop`, `write` returns `{ ok: false }` as every sink must.
 * @example
 * const sink = memorySink();
 * const pipeline = createPipeline({ sources: [src], sinks: [sink] });
 * await sink.waitFor((s) => s.samples().length >= 3);
 */
export function memorySink(options: MemorySinkOptions = {}): MemorySink {
  const batches: SinkBatch[] = [];
  const waiters = new Set<() => void>();
  let series: SeriesRegistry | undefined;
  let stopped = false;

  const sink: MemorySink = {
    kind: 'sink',
    name: options.name ?? 'memory',
    apiVersion: API_VERSION,
    accepts: options.accepts ?? ALL_KINDS,
    batches,
    get stopped() {
      return stopped;
    },
    start(ctx) {
      series = ctx.series;
    },
    write(batch, ctx): WriteResult {
      if (stopped) return { ok: false, retryable: false, error: new Error(`${sink.name}: sink is stopped`) };
      series = ctx.series;
      batches.push(batch);
      for (const w of [...waiters]) w();
      return { ok: true };
    },
    stop() {
      stopped = true;
    },
    samples() {
      const reg = series;
      if (!reg) return [];
      return batches.flatMap((b) => (b.kind === 'metrics' ? rowsOf(reg, b) : []));
    },
    findings: () => batches.flatMap((b) => (b.kind === 'findings' ? b.findings : [])),
    alerts: () => batches.flatMap((b) => (b.kind === 'alerts' ? b.alerts : [])),
    logs: () => batches.flatMap((b) => (b.kind === 'logs' ? b.records : [])),
    waitFor(predicate, timeoutMs = 5_000) {
      return waitFor(sink, waiters, predicate, timeoutMs);
    },
    clear() {
      batches.length = 0;
    },
  };
  return sink;
}

function waitFor(
  sink: MemorySink,
  waiters: Set<() => void>,
  predicate: (sink: MemorySink) => boolean,
  timeoutMs: number,
): Promise<void> {
  if (predicate(sink)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!predicate(sink)) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new Error(
          `${sink.name}.waitFor: condition not met within ${timeoutMs} ms (${sink.batches.length} batch(es) written)`,
        ),
      );
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
  });
}
