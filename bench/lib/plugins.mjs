// Trivial plugins for the benchmark: plain objects made by factories, as real Argus plugins are.
import { metricBatch, newFindingId } from '@argus/core';
import { ewmaState, ewmaUpdate, growEwmaState, maxSeriesId, scaleInto } from './kernels.mjs';

const OK = Object.freeze({ ok: true });

/**
 * EWMA spike detector: per-series mean and variance in typed arrays indexed by series id.
 * Does the arithmetic for every sample and reports a finding only past `sigmas` deviations.
 * `onSamples(total)` is called after each batch with the number of samples seen so far.
 */
export function ewmaDetector({
  name = 'ewma',
  alpha = 0.1,
  sigmas = 6,
  warmup = 30,
  initialSeries = 1024,
  onSamples,
} = {}) {
  let state = ewmaState(initialSeries);
  const hits = new Int32Array(1024);
  const k2 = sigmas * sigmas;
  let samples = 0;
  const detector = {
    kind: 'detector',
    name,
    apiVersion: 1,
    findings: 0,
    get capacity() {
      return state.mean.length;
    },
    detect(batch) {
      const { series, values, timestamps, length } = batch;
      const max = maxSeriesId(series, length);
      if (max >= state.mean.length) state = growEwmaState(state, Math.max(max + 1, state.mean.length * 2));
      const n = ewmaUpdate(state, series, values, length, alpha, k2, warmup, hits);
      samples += length;
      onSamples?.(samples);
      if (n === 0) return undefined;
      detector.findings += n;
      const out = [];
      for (let h = 0; h < n; h++) {
        const i = hits[h];
        const id = series[i];
        out.push({
          id: newFindingId(),
          series: id,
          timestamp: timestamps[i],
          value: values[i],
          score: 1,
          kind: 'spike',
          detector: name,
          explanation: `value ${values[i]} is more than ${sigmas} standard deviations from its EWMA`,
        });
      }
      return out;
    },
  };
  return detector;
}

/** Unit conversion processor: returns a new batch (inputs must not be modified) with `v * scale + offset`. */
export function scaleProcessor({ name = 'scale', scale = 0.001, offset = 0 } = {}) {
  return {
    kind: 'processor',
    name,
    apiVersion: 1,
    process(batch) {
      const out = new Float64Array(batch.length);
      scaleInto(out, batch.values, batch.length, scale, offset);
      return metricBatch(batch.series, batch.timestamps, out, batch.stale);
    },
  };
}

/**
 * Push source: `listen(emit)` starts a loop that emits `ticks` pre-built batches (cycling through
 * `batches`), awaiting each emit (the pipeline's backpressure). `onStart`/`onEmitted` time it.
 */
export function tickSource({ name = 'ticks', batches, ticks, onStart, onEmitted }) {
  return {
    kind: 'source',
    name,
    apiVersion: 1,
    listen(emit) {
      const loop = async () => {
        onStart?.();
        for (let t = 0; t < ticks; t++) {
          if (!(await emit(batches[t % batches.length]))) break;
        }
        onEmitted?.();
      };
      // listen must return; the loop runs like a socket's data events would
      loop().catch((err) => console.error('tick source failed', err));
    },
  };
}

/** Sink that counts samples and calls `onCount(total)` after each write. */
export function countingSink({ name = 'count', onCount } = {}) {
  const sink = {
    kind: 'sink',
    name,
    apiVersion: 1,
    accepts: ['metrics'],
    samples: 0,
    write(batch) {
      sink.samples += batch.length;
      onCount?.(sink.samples);
      return OK;
    },
  };
  return sink;
}
