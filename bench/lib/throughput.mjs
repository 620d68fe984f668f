// End-to-end pipeline throughput against a tight loop doing the same arithmetic.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPipeline, silentLogger } from '@argus/core';
import { ewmaState, ewmaUpdate, scaleInto } from './kernels.mjs';
import { countingSink, ewmaDetector, scaleProcessor, tickSource } from './plugins.mjs';

const SCALE = 0.001;
const OFFSET = 0;
const ALPHA = 0.1;
const SIGMAS = 6;
const WARMUP = 30;

/**
 * The benchmark graph. Completion is when the sink has counted every sample, or, with `withSink: false`
 * (a diagnostic that isolates the cost of sink delivery), when the detector has seen every sample.
 */
function graph({ pool, ticks, chunkSize, withSink, onStart, onDone, errors }) {
  const expected = pool[0].length * ticks;
  const whenAll = (n) => n >= expected && onDone(performance.now());
  const detector = ewmaDetector({
    alpha: ALPHA,
    sigmas: SIGMAS,
    warmup: WARMUP,
    ...(withSink ? {} : { onSamples: whenAll }),
  });
  const sink = countingSink({ onCount: whenAll });
  const pipeline = createPipeline({
    sources: [tickSource({ batches: pool, ticks, onStart })],
    processors: [scaleProcessor({ scale: SCALE, offset: OFFSET })],
    detectors: [detector],
    // block instead of the metrics default (dropOldest) so a dropped batch can never inflate the rate
    sinks: withSink ? [{ use: sink, buffer: { whenFull: 'block' } }] : [],
    logger: silentLogger,
    onError: (err) => errors.push(err),
    ...(chunkSize ? { chunkSize } : {}),
  });
  return { pipeline, detector, sink, expected };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `ticks` batches of `pool` through source → processor → detector → sink once. Time runs from the
 * first emit to the sink having counted every sample. With `loopDelay`, an event-loop delay histogram
 * (resolution 1 ms) covers the run.
 */
export async function pipelineOnce({ pool, ticks, chunkSize, loopDelay = false, withSink = true }) {
  const errors = [];
  let t0 = 0;
  let onDone;
  const done = new Promise((r) => {
    onDone = r;
  });
  const onStart = () => {
    t0 = performance.now();
  };
  const g = graph({ pool, ticks, chunkSize, withSink, onStart, onDone, errors });
  const histogram = loopDelay ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
  // the histogram's first timer run only sets its reference time (reset() does the same, so it is not
  // used): enable it a few ms before the data flows, or a block right at the start goes unrecorded
  histogram?.enable();
  if (histogram) await sleep(5);
  await g.pipeline.start();
  const t1 = await done;
  // a loop blocked until now is recorded only when the histogram's timer next runs: let it run
  if (histogram) await sleep(5);
  histogram?.disable();
  const received = g.pipeline.stats().plugins.ewma.received;
  await g.pipeline.stop();
  if (errors.length > 0) throw new Error(`pipeline reported ${errors.length} error(s): ${errors[0].message}`);
  if ((withSink && g.sink.samples !== g.expected) || received !== g.expected) {
    throw new Error(`expected ${g.expected} samples, detector saw ${received}, sink got ${g.sink.samples}`);
  }
  const ms = t1 - t0;
  return {
    samples: g.expected,
    ms,
    rate: (g.expected / ms) * 1000,
    findings: g.detector.findings,
    histogram,
  };
}

/** The same work as the pipeline with nothing in between: scale into a scratch array, then the EWMA update. */
export function tightLoopOnce({ pool, ticks }) {
  const n = pool[0].length;
  const state = ewmaState(n);
  const scratch = new Float64Array(n);
  const hits = new Int32Array(1024);
  const k2 = SIGMAS * SIGMAS;
  let findings = 0;
  const t0 = performance.now();
  for (let t = 0; t < ticks; t++) {
    const b = pool[t % pool.length];
    scaleInto(scratch, b.values, n, SCALE, OFFSET);
    findings += ewmaUpdate(state, b.series, scratch, n, ALPHA, k2, WARMUP, hits);
  }
  const ms = performance.now() - t0;
  return { samples: n * ticks, ms, rate: ((n * ticks) / ms) * 1000, findings };
}

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Warm-up, then `repeats` rounds of: pipeline, tight loop, pipeline without its sink (interleaved so
 * machine noise spreads over all three); reports the medians and the ratios to the tight loop.
 */
export async function compare({ pool, ticks, repeats }) {
  await pipelineOnce({ pool, ticks: Math.max(1, ticks >> 2) });
  tightLoopOnce({ pool, ticks: Math.max(1, ticks >> 2) });
  await pipelineOnce({ pool, ticks: Math.max(1, ticks >> 2), withSink: false });
  const pipe = [];
  const loop = [];
  const noSink = [];
  for (let r = 0; r < repeats; r++) {
    pipe.push(await pipelineOnce({ pool, ticks }));
    loop.push(tightLoopOnce({ pool, ticks }));
    noSink.push(await pipelineOnce({ pool, ticks, withSink: false }));
  }
  const pipelineRate = median(pipe.map((x) => x.rate));
  const tightRate = median(loop.map((x) => x.rate));
  const noSinkRate = median(noSink.map((x) => x.rate));
  return {
    series: pool[0].length,
    ticks,
    samplesPerRun: pipe[0].samples,
    repeats,
    pipelineRate,
    tightRate,
    ratio: pipelineRate / tightRate,
    noSinkRate,
    noSinkRatio: noSinkRate / tightRate,
    // what the pipeline adds per source batch (one tick of every series), beyond the arithmetic
    overheadUsPerBatch: (1 / pipelineRate - 1 / tightRate) * pool[0].length * 1e6,
    findingsPerRun: pipe[0].findings,
    tightFindingsPerRun: loop[0].findings,
    pipelineRuns: pipe.map((x) => x.rate),
    tightRuns: loop.map((x) => x.rate),
    noSinkRuns: noSink.map((x) => x.rate),
  };
}
