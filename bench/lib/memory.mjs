// Heap bytes per active series: interned labels, and the pipeline's per-series runtime state.
import { createPipeline, createSeriesRegistry, silentLogger } from '@argus/core';
import { labelsFor, tickBatches } from './data.mjs';
import { countingSink, ewmaDetector, scaleProcessor, tickSource } from './plugins.mjs';

/** Full collection (twice, with a turn of the loop between so array buffers are swept), then usage. */
export async function settle() {
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

/** Bytes per series of interning `n` four-label sets in a bare `createSeriesRegistry()`. */
export async function internedLabels(n) {
  const before = await settle();
  const registry = createSeriesRegistry();
  for (let i = 0; i < n; i++) registry.intern(labelsFor(i));
  const after = await settle();
  if (registry.size !== n) throw new Error(`registry holds ${registry.size} series, expected ${n}`);
  return { series: n, bytesPerSeries: (after.heap - before.heap) / n };
}

/**
 * A pipeline with `n` series interned through `pipeline.series`, then three ticks of one sample per series
 * pushed through source → processor → detector → sink. The input batches are built before the first
 * measurement so they are not counted. Reports (heap + array buffers) deltas per series:
 * `labels` = the interning (plus the pipeline object, amortised), `runtime` = everything the running
 * pipeline keeps beyond that (detector typed arrays, core's runtime objects, amortised).
 */
export async function pipelineState(n) {
  const pool = tickBatches(n, 3);
  const m0 = await settle();
  let resolveDone;
  const done = new Promise((r) => {
    resolveDone = r;
  });
  const detector = ewmaDetector();
  const sink = countingSink({ onCount: (c) => c >= n * pool.length && resolveDone() });
  const pipeline = createPipeline({
    sources: [tickSource({ batches: pool, ticks: pool.length })],
    processors: [scaleProcessor()],
    detectors: [detector],
    sinks: [{ use: sink, buffer: { whenFull: 'block' } }],
    logger: silentLogger,
  });
  for (let i = 0; i < n; i++) {
    if (pipeline.series.intern(labelsFor(i)) !== i) throw new Error('series ids are not dense from 0');
  }
  const m1 = await settle();
  await pipeline.start();
  await done;
  const m2 = await settle();
  const result = {
    series: n,
    labelsBytesPerSeries: (m1.heap + m1.buffers - m0.heap - m0.buffers) / n,
    runtimeHeapBytesPerSeries: (m2.heap - m1.heap) / n,
    runtimeBufferBytesPerSeries: (m2.buffers - m1.buffers) / n,
    runtimeBytesPerSeries: (m2.heap + m2.buffers - m1.heap - m1.buffers) / n,
    detectorCapacity: detector.capacity,
  };
  await pipeline.stop();
  return result;
}
