// Deterministic input data: columnar tick batches and label sets.
import { metricBatch } from '@argus/core';

const T0 = Date.UTC(2025, 0, 1);
const STEP_MS = 15_000;

/** Park–Miller style generator in [0, 1), deterministic so every run sees the same data. */
function rng(seed) {
  let s = seed % 2147483647 || 1;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/**
 * `poolSize` batches of one sample per series (ids 0..series-1), each at its own tick time. Values are
 * a per-series level plus noise of σ≈1; in the last batch of the pool every 1000th series gets a
 * +50σ spike, so the detector reports a finding for about 1 sample in 32 000 and stays quiet otherwise.
 * The pool is long enough for the EWMA variance to forget one spike before the next (with a short
 * pool the repeating spikes inflate the variance and are never reported).
 */
export function tickBatches(series, poolSize = 32) {
  const random = rng(42);
  const ids = new Int32Array(series);
  const level = new Float64Array(series);
  for (let i = 0; i < series; i++) {
    ids[i] = i;
    level[i] = 1000 + 100 * random();
  }
  const pool = [];
  for (let b = 0; b < poolSize; b++) {
    const ts = new Float64Array(series).fill(T0 + b * STEP_MS);
    const values = new Float64Array(series);
    for (let i = 0; i < series; i++) {
      // sum of three uniforms: bell-shaped, σ = 1, bounded, so only the injected spikes cross 6σ
      const noise = (random() + random() + random() - 1.5) * 2;
      const spike = b === poolSize - 1 && i % 1000 === 0 ? 50 : 0;
      values[i] = level[i] + noise + spike;
    }
    pool.push(metricBatch(ids, ts, values));
  }
  return pool;
}

/** A realistic label set of four labels (about 75 characters) for series `i`. */
export function labelsFor(i) {
  return {
    __name__: 'http_requests_total',
    job: 'api',
    instance: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}:9100`,
    path: `/api/v1/items/${i}`,
  };
}
