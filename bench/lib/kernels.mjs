// The arithmetic shared by the pipeline plugins and the tight loop, so that both sides of the
// end-to-end ÷ tight-loop ratio run the very same JIT-compiled code and differ only in plumbing.

/** EWMA state for `capacity` series: 8 + 8 + 4 = 20 bytes per series slot. */
export function ewmaState(capacity) {
  return {
    mean: new Float64Array(capacity),
    variance: new Float64Array(capacity),
    count: new Uint32Array(capacity),
  };
}

/** Copies `state` into arrays of `capacity` slots (geometric growth is the caller's choice). */
export function growEwmaState(state, capacity) {
  const next = ewmaState(capacity);
  next.mean.set(state.mean);
  next.variance.set(state.variance);
  next.count.set(state.count);
  return next;
}

/**
 * One EWMA mean/variance update per sample; writes the row index of every sample whose squared
 * deviation exceeds `k2` times the variance (after `warmup` samples of its series) into `hits`.
 * Returns how many hits there were. `state` must already hold every series id of the rows.
 */
export function ewmaUpdate(state, series, values, length, alpha, k2, warmup, hits) {
  const { mean, variance, count } = state;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const id = series[i];
    const x = values[i];
    const c = count[id];
    if (c === 0) {
      mean[id] = x;
      variance[id] = 0;
      count[id] = 1;
      continue;
    }
    const m = mean[id];
    const v = variance[id];
    const d = x - m;
    const inc = alpha * d;
    mean[id] = m + inc;
    variance[id] = (1 - alpha) * (v + d * inc);
    if (c < warmup) {
      count[id] = c + 1;
    } else if (d * d > k2 * v && n < hits.length) {
      hits[n++] = i;
    }
  }
  return n;
}

/** The processor's arithmetic: a unit conversion `out = in * scale + offset`. */
export function scaleInto(out, values, length, scale, offset) {
  for (let i = 0; i < length; i++) out[i] = values[i] * scale + offset;
}

/** Largest series id in the first `length` rows (one cheap pass, so growth happens once per batch). */
export function maxSeriesId(series, length) {
  let max = -1;
  for (let i = 0; i < length; i++) if (series[i] > max) max = series[i];
  return max;
}
