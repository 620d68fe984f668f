// Event-loop delay added while a pipeline runs, per chunk size.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pipelineOnce } from './throughput.mjs';

const RESOLUTION_NS = 1e6;

/**
 * p50/p99/max of one histogram in ms. The histogram (resolution 1 ms) records the whole interval between
 * its timer's runs, so an idle loop reads about 1 ms: "added" subtracts that resolution.
 */
export function summarise(h) {
  const added = (ns) => Math.max(0, ns - RESOLUTION_NS) / 1e6;
  return {
    samples: h.count,
    p50Ms: added(h.percentile(50)),
    p99Ms: added(h.percentile(99)),
    maxMs: added(h.max),
    rawP99Ms: h.percentile(99) / 1e6,
  };
}

/** The idle loop's own delay over `ms`, as a baseline for the machine's noise. */
export async function idleDelay(ms) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  return summarise(h);
}

/** One pipeline run per chunk size (after a warm-up) with the histogram enabled during the run. */
export async function delayByChunk({ pool, ticks, chunkSizes }) {
  await pipelineOnce({ pool, ticks: Math.max(1, ticks >> 2) });
  const rows = [];
  for (const chunkSize of chunkSizes) {
    const run = await pipelineOnce({ pool, ticks, chunkSize, loopDelay: true });
    rows.push({ series: pool[0].length, chunkSize, rate: run.rate, ...summarise(run.histogram) });
  }
  return rows;
}
