#!/usr/bin/env node
// Soak (issue 21): one replica scrapes SOAK_SERIES series at a fixed interval from real /metrics pages on
// loopback (served by a child process) through a detector, rules and the alert manager, whose webhook
// notifications go back to that child. Reports heap growth (post-GC heap sampled over the run, slope fitted
// after the warm-up), event-loop delay, throughput, drops and skipped polls, and spike → notification latency.
// Run: pnpm bench:soak   (builds first; defaults: 3 minutes, 100k series, 1 s interval)
// Env: SOAK_SECONDS, SOAK_SERIES, SOAK_TARGETS, SOAK_INTERVAL_MS, SOAK_WARMUP_SECONDS; --json for JSON only;
// SOAK_SLOW_SPANS=<file>: where to write the intervals over 10 ms (for bench/soak/slow-spans.mjs).
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { summarise } from '../lib/delay.mjs';
import { loopDelaySampler } from './loop-delay.mjs';
import { fitSlope, latencies } from './stats.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('run with --expose-gc (pnpm bench:soak does): node --expose-gc bench/soak/run.mjs');
  process.exit(1);
}

const env = (name, dflt) => Number(process.env[name] ?? dflt);
const cfg = {
  seconds: env('SOAK_SECONDS', 180),
  series: env('SOAK_SERIES', 100_000),
  targets: env('SOAK_TARGETS', 20),
  intervalMs: env('SOAK_INTERVAL_MS', 1000),
  warmupSeconds: env('SOAK_WARMUP_SECONDS', 30),
  spikeEveryMs: 5000,
  spikeMs: 3000,
};
const HEAP_EVERY_MS = 10_000;
const pkg = (name) => import(new URL(`../../packages/${name}/dist/index.js`, import.meta.url).href);
const [{ createPipeline, memoryStateStore }, { scrapeSource }, { robustZDetector }, alerting] =
  await Promise.all([pkg('core'), pkg('source-prometheus'), pkg('detectors'), pkg('alerting')]);
const { anomalyRule, createAlertManager, thresholdRule, webhookNotifier } = alerting;
const log = (msg) => process.stderr.write(`soak: ${msg}\n`);

const load = fork(new URL('./load.mjs', import.meta.url), [JSON.stringify(cfg)], { stdio: 'inherit' });
const ask = (type) =>
  new Promise((resolve) => {
    load.once('message', resolve);
    if (type) load.send({ type });
  });
const { targets, hook } = await ask();

const am = createAlertManager({
  config: {
    route: { receiver: 'hook', groupBy: ['alertname', 's'], groupWaitMs: 500, groupIntervalMs: 5000 },
    receivers: [{ name: 'hook', notifiers: [webhookNotifier({ url: hook })] }],
  },
});
const pipeline = createPipeline({
  state: memoryStateStore(),
  maxSeries: cfg.series * 2 + 10_000,
  sources: [{ use: scrapeSource({ targets, job: 'soak' }), intervalMs: cfg.intervalMs }],
  detectors: [robustZDetector({})],
  alerters: [
    thresholdRule({ alert: 'SoakSpike', selector: 'soak_value', threshold: 5000 }),
    anomalyRule({ alert: 'SoakAnomaly', selector: 'soak_value' }),
  ],
  sinks: [am.sink()],
});

// the delay sampler is paused around each forced GC, which is the bench's own doing; Node's monitorEventLoopDelay
// runs beside it, paused the same way, to show what it counts anyway (see loop-delay.mjs)
const delay = loopDelaySampler();
const nativeDelay = monitorEventLoopDelay({ resolution: 1 });
const heap = []; // { t, bytes } after a full GC, the delay histograms paused around it
const forcedGcMs = [];
const heapNow = () => {
  delay.disable();
  nativeDelay.disable();
  const start = performance.now();
  globalThis.gc();
  const bytes = process.memoryUsage().heapUsed;
  forcedGcMs.push(performance.now() - start);
  nativeDelay.enable();
  delay.enable();
  return bytes;
};
const t0 = Date.now();
await pipeline.start();
log(`${cfg.series} series over ${targets.length} targets every ${cfg.intervalMs} ms for ${cfg.seconds} s`);

await new Promise((r) => setTimeout(r, cfg.warmupSeconds * 1000));
const warm = { at: Date.now(), stats: totals(pipeline.stats()), rss: process.memoryUsage().rss };
const warmPerf = performance.now();
delay.enable();
nativeDelay.enable();
heap.push({ t: 0, bytes: heapNow() });
const timer = setInterval(() => {
  heap.push({ t: (Date.now() - warm.at) / 1000, bytes: heapNow() });
  const s = totals(pipeline.stats());
  log(`${Math.round((Date.now() - t0) / 1000)} s: ${s.samples} samples, heap ${mb(heap.at(-1).bytes)} MB`);
}, HEAP_EVERY_MS);
await new Promise((r) => setTimeout(r, Math.max(0, cfg.seconds - cfg.warmupSeconds) * 1000));
clearInterval(timer);
delay.close();
nativeDelay.disable();
heap.push({ t: (Date.now() - warm.at) / 1000, bytes: heapNow() });
const end = { at: Date.now(), stats: totals(pipeline.stats()), rss: process.memoryUsage().rss };
await pipeline.stop({ timeoutMs: 10_000 });
const { spikes, arrivals } = await ask('report');
load.send({ type: 'exit' });

const measuredS = (end.at - warm.at) / 1000;
const result = {
  machine: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load avg ${os.loadavg()[0].toFixed(1)}`,
  node: process.version,
  config: cfg,
  measuredSeconds: Math.round(measuredS),
  samplesPerSecond: Math.round((end.stats.samples - warm.stats.samples) / measuredS),
  polls: end.stats.polls - warm.stats.polls,
  expectedPolls: Math.floor(measuredS / (cfg.intervalMs / 1000)),
  skippedTicks: end.stats.skipped - warm.stats.skipped,
  pollMeanMs: Math.round(end.stats.pollMeanMs),
  pollMaxMs: Math.round(end.stats.pollMaxMs),
  dropped: end.stats.dropped,
  errors: end.stats.errors,
  seriesActive: end.stats.series,
  heapStartMB: mb(heap[0].bytes),
  heapEndMB: mb(heap.at(-1).bytes),
  heapSlopeMBPerMin: slopeMBPerMin(heap),
  // a step (a table doubling) and a leak look alike over the whole run; a leak keeps its slope in the second half
  heapSlopeSecondHalfMBPerMin: slopeMBPerMin(heap.slice(Math.floor(heap.length / 2))),
  heapMB: heap.map((h) => `${Math.round(h.t)}s:${mb(h.bytes)}`).join(' '),
  rssEndMB: mb(end.rss),
  eventLoopDelay: roundAll(summarise(delay.histogram)),
  // the same intervals in the process's CPU time: what the delay would be with a core always free (an upper bound:
  // GC helper threads count too); on this shared machine the comparable figure between runs
  eventLoopCpu: roundAll({
    p50Ms: delay.cpuHistogram.percentile(50) / 1e6,
    p99Ms: delay.cpuHistogram.percentile(99) / 1e6,
    maxMs: delay.cpuHistogram.max / 1e6,
  }),
  // Node's own histogram, paused the same way, still counts each forced GC as delay: its max tracks forcedGcMaxMs
  eventLoopDelayNative: roundAll(summarise(nativeDelay)),
  forcedGcs: forcedGcMs.length,
  forcedGcMaxMs: Number(Math.max(...forcedGcMs).toFixed(1)),
  // the ten longest stalls (intervals of 100 ms or more between the sampler's 1 ms timer runs), with the CPU time
  // the process used and the GC time inside each: CPU far below the stall means the process waited for a core
  // intervals of 10 ms or more (the p99 goal): how many, and the CPU the process used over their wall time (near 1:
  // JavaScript that did not yield; far below: waiting for a core)
  slowIntervals: delay.slow.count,
  slowIntervalsCpuPerWall: Number((delay.slow.cpuMs / Math.max(1, delay.slow.wallMs)).toFixed(2)),
  stalls: delay.stalls.length,
  longestStalls: delay.stalls
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10)
    .map((st) => ({ ...st, atS: Math.round((st.atMs - warmPerf) / 1000) }))
    .map(({ atMs, ...st }) => st),
  notification: latencies(spikes, arrivals, 'SoakSpike'),
  anomalyNotifications: arrivals.filter((a) => a.alertname === 'SoakAnomaly').length,
};
console.log(JSON.stringify(result, null, 2));
// with --cpu-prof, `node bench/soak/slow-spans.mjs <profile> <this file>` names what ran in each interval over 10 ms
if (process.env.SOAK_SLOW_SPANS) writeFileSync(process.env.SOAK_SLOW_SPANS, JSON.stringify(delay.slow.spans));
process.exit(0);

/** Counts summed over the pipeline's plugins. */
function totals(stats) {
  const plugins = Object.values(stats.plugins);
  const src = stats.plugins.scrape;
  const sum = (f) => plugins.reduce((n, p) => n + f(p), 0);
  return {
    samples: src.sent,
    polls: src.latencyMs.count,
    pollMeanMs: src.latencyMs.count ? src.latencyMs.sumMs / src.latencyMs.count : 0,
    pollMaxMs: src.latencyMs.maxMs,
    skipped: src.custom.skippedTicks ?? 0,
    dropped: sum((p) => p.dropped),
    errors: sum((p) => p.errors),
    series: stats.series.active,
  };
}

function slopeMBPerMin(points) {
  return Number(((fitSlope(points.map((h) => [h.t, h.bytes])) * 60) / 2 ** 20).toFixed(2));
}

function mb(bytes) {
  return Number((bytes / 2 ** 20).toFixed(1));
}

function roundAll(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v.toFixed(2))]));
}
