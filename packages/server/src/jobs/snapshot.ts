// Copies the history a job needs out of the server's store, series by series, yielding to the event loop
// between slices: the copy runs on the server's thread, so it must not hold the pipeline up.
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { LabelMatcher } from '@argus/core';
import type { Store } from '@argus/store';
import type { SeriesSnapshot } from './history-store.js';

/** A read holds the event loop at most about this long before it yields. */
const SLICE_MS = 5;

const own = <T extends Float64Array | Uint8Array>(a: T): T =>
  (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice()) as T;

/** Thrown when the range holds more samples than `maxSamples`. */
export class TooManySamples extends Error {}

/**
 * Raw samples of the matching series in [from, to), and the buffers to transfer to the worker. Stops early when
 * `signal` aborts (a job cancelled while copying).
 */
export async function snapshot(
  store: Store,
  matchers: readonly LabelMatcher[],
  range: { from: number; to: number },
  maxSamples: number,
  signal: AbortSignal,
): Promise<{ series: SeriesSnapshot[]; transfer: ArrayBuffer[]; samples: number }> {
  const series: SeriesSnapshot[] = [];
  let samples = 0;
  let sliceStart = performance.now();
  for (const labels of await store.series(matchers)) {
    if (signal.aborted) break;
    const s = store.samples(labels, range.from, range.to);
    if (s.timestamps.length === 0) continue;
    samples += s.timestamps.length;
    if (samples > maxSamples)
      throw new TooManySamples(
        `the range holds more than ${maxSamples} samples (jobs.maxSamples); narrow it with \`match\`, a shorter ` +
          'range or a smaller lookbackMs, or raise jobs.maxSamples',
      );
    // the buffers are transferred (detached here): never hand over one the store might still hold
    series.push({ labels, timestamps: own(s.timestamps), values: own(s.values), stale: own(s.stale) });
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldNow();
      sliceStart = performance.now();
    }
  }
  const transfer = series.flatMap((s) => [s.timestamps.buffer, s.values.buffer, s.stale.buffer]);
  return { series, transfer: [...new Set(transfer)] as ArrayBuffer[], samples };
}
