import { type MetricBatch, metricBatch, type SeriesRegistry } from '@argus/core';

type Typed = Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

function grown<T extends Typed>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2, 64));
  b.set(a);
  return b;
}

/** Returns `a`, or a copy at least `need` long (zero-filled tail), grown geometrically. */
export function growU8(a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  return grown(a, need, (n) => new Uint8Array(n));
}

/** Like {@link growU8}, for Int32Array. */
export function growI32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  return grown(a, need, (n) => new Int32Array(n));
}

/** Like {@link growU8}, for Float64Array. */
export function growF64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  return grown(a, need, (n) => new Float64Array(n));
}

/**
 * Remembers which registry the per-series caches were filled from: ids mean nothing in another registry,
 * so a processor handed a different one (a new pipeline, a test) starts its caches afresh.
 */
export class RegistryGuard {
  private current: SeriesRegistry | undefined;
  /** True when `registry` differs from the one seen last (the caller then resets its caches). */
  changed(registry: SeriesRegistry): boolean {
    if (registry === this.current) return false;
    const first = this.current === undefined;
    this.current = registry;
    return !first;
  }
}

/**
 * Builds a batch from the rows of `batch` whose `out[i]` is ≥ 0, with `out[i]` as their series id.
 * `kept` is how many rows that is. New arrays are allocated; the input is never written.
 */
export function compactRows(batch: MetricBatch, out: Int32Array, kept: number): MetricBatch {
  const series = new Int32Array(kept);
  const timestamps = new Float64Array(kept);
  const values = new Float64Array(kept);
  const inStale = batch.stale;
  const stale = inStale ? new Uint8Array(kept) : undefined;
  let anyStale = false;
  let j = 0;
  for (let i = 0; i < batch.length; i++) {
    const id = out[i]!;
    if (id < 0) continue;
    series[j] = id;
    timestamps[j] = batch.timestamps[i]!;
    values[j] = batch.values[i]!;
    if (stale && inStale?.[i] === 1) {
      stale[j] = 1;
      anyStale = true;
    }
    j++;
  }
  return metricBatch(series, timestamps, values, anyStale ? stale : undefined);
}

/** Floors `t` to the start of its `stepMs` window (aligned to the epoch). */
export function windowStart(t: number, stepMs: number): number {
  return Math.floor(t / stepMs) * stepMs;
}
