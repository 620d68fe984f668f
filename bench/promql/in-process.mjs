// In-process PromQL engine benchmark over a memory Queryable (no servers): `node bench/promql/in-process.mjs
// [--dist <path to a built @argus/promql index.js>] [--quick] [--store [--store-dist <a built @argus/store index.js>]] [--only name,…] [--reps N] [--warm N]`. The same shapes as bench/promql/run.mjs (rate()
// over 1,000 counters for a day at a 15 s step, histogram_quantile over 50×11 buckets for 2 h, an instant
// aggregation over 10,000 gauges, 100 rule expressions); prints one JSON line per query with the time and the
// longest event-loop block (monitorEventLoopDelay), the CPU time, and the longest stretch of CPU time the engine ran
// without yielding (longestCpuStretchMs, see below). --dist lets two builds be compared A/B in fresh processes.
// --store reads through `storeQueryable` over a memory `@argus/store` (this checkout's build) holding the same
// samples, the path `argus serve` and the HTTP benchmark take, instead of the memory Queryable. `--data-dir D`
// (with --store) opens a data directory instead, as `argus serve` does: one made by `argus import openmetrics` from
// `writeData(file, 1_800_000_000_000, sizes(quick))` of data.mjs (this script's END), so chunks are read from disk.
// Each line also has the event-loop delay's p99 (p99Ms) beside its max (blockMs).
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ruleExprs, sizes } from './data.mjs';

const args = process.argv.slice(2);
const dist = args.includes('--dist')
  ? args[args.indexOf('--dist') + 1]
  : '../../packages/promql/dist/index.js';
const { createEngine, memoryQueryable, storeQueryable, timeSlices } = await import(
  dist.startsWith('.') ? new URL(dist, import.meta.url).href : pathToFileURL(dist).href
);
const size = sizes(args.includes('--quick'));
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
// measured runs per query (after one warm-up); the printed times are the mean, `cpuMsRuns` each run's CPU time
const reps = args.includes('--reps') ? Number(args[args.indexOf('--reps') + 1]) : 1;
// --warm N: unmeasured runs per query before the measured ones (default 1); the first runs after a store opens
// compile the engine and collect what opening allocated, a dozen or so runs at load
const warm = args.includes('--warm') ? Number(args[args.indexOf('--warm') + 1]) : 1;
/** The longest garbage-collector pause that began in each run's window (0 when none). */
function gcMaxPerRun(gcs, windows) {
  return windows.map(([a, b]) => {
    const inRun = gcs.filter((e) => e.startTime >= a && e.startTime < b).map((e) => e.duration);
    return Math.round(Math.max(0, ...inRun) * 10) / 10;
  });
}
// --per-run: also each measured run's longest event-loop delay (blockMsRuns; a 2 ms pause follows each run so the
// monitor sees a block that ends it), longest GC pause (gcMaxMsRuns) and longest stretch of CPU time without a
// yield (cpuStretchMsRuns, GC pauses included), to tell the first runs after a store opens from the warm ones
const perRunBlocks = args.includes('--per-run');
const MIN = 60_000;
const END = 1_800_000_000_000;
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];

// The benchmark's series as plain arrays (1.5 million samples, ~45 MB of heap): made only when read (not with
// --data-dir, which reads the store's files as `argus serve` does, so its heap holds what a server's would)
function buildSeries() {
  const series = [];
  for (let i = 0; i < size.gauges; i++) {
    const timestamps = [3, 2, 1, 0].map((k) => END - k * MIN);
    const values = [3, 2, 1, 0].map((k) => 20 + ((i * 7 + k) % 50) / 10);
    series.push({
      labels: { __name__: 'bench_temperature', instance: `i${i}`, job: `j${i % 10}` },
      timestamps,
      values,
    });
  }
  const points = size.counterSpanMs / MIN;
  for (let i = 0; i < size.counters; i++) {
    const timestamps = [];
    const values = [];
    let v = 0;
    for (let k = points; k >= 0; k--) {
      v += 50 + ((i * 13 + k * 7) % 31);
      timestamps.push(END - k * MIN);
      values.push(v);
    }
    series.push({
      labels: { __name__: 'bench_requests_total', instance: `i${i}`, job: `j${i % 10}` },
      timestamps,
      values,
    });
  }
  for (let i = 0; i < size.histInstances; i++) {
    const counts = LES.map(() => 0);
    const byLe = LES.map(() => ({ timestamps: [], values: [] }));
    for (let t = END - 120 * MIN; t <= END; t += 15_000) {
      let cum = 0;
      for (const [j] of LES.entries()) {
        cum += 1 + ((i + j + t / 15_000) % 5);
        counts[j] += cum;
        byLe[j].timestamps.push(t);
        byLe[j].values.push(counts[j]);
      }
    }
    for (const [j, le] of LES.entries())
      series.push({
        labels: { __name__: 'bench_latency_seconds_bucket', instance: `i${i}`, le },
        ...byLe[j],
      });
  }
  return series;
}
// The longest stretch of CPU time between two yields of the engine (its scheduler, wrapped), and from a query's
// start to its first yield and from its last to its end. Unlike monitorEventLoopDelay's figure, CPU time leaves out
// the time this process was not running, which on a loaded machine is most of a "block". Process-wide CPU time
// (GC threads included) and the store's own yields (not seen here) can only make it larger. Builds without
// `timeSlices` (before the scheduler option) are not probed.
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
let mark = cpuNow();
let longestStretch = 0;
// the same, within the current run only (--per-run's cpuStretchMsRuns): on a loaded machine a run's wall-clock
// block includes the time the process waited for a core, its CPU stretches do not
let runStretch = 0;
const stretchEnd = () => {
  const d = cpuNow() - mark;
  longestStretch = Math.max(longestStretch, d);
  runStretch = Math.max(runStretch, d);
};
// --slice-ms N: the probe's slice (default 5, the engine's default before h/yield14; pass the engine's default of
// the build under test when comparing builds)
const sliceMs = args.includes('--slice-ms') ? Number(args[args.indexOf('--slice-ms') + 1]) : 5;
// --no-probe: no wrapped scheduler, each build's own default slice (A/B of builds whose default differs)
const base = args.includes('--no-probe') ? undefined : timeSlices?.(sliceMs);
const scheduler = base && {
  shouldYield: () => base.shouldYield(),
  async yield() {
    stretchEnd();
    await base.yield();
    mark = cpuNow();
  },
};
const withScheduler = scheduler ? { scheduler } : {};
// open()'s wall and CPU time, its longest event-loop block, and the heap it leaves (live and garbage: a
// collection is not forced, so what the first queries' collections pay for is in it)
async function timedOpen(open) {
  const mem0 = process.memoryUsage();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // the monitor records from its second tick on: let it tick before open() runs
  await new Promise((ok) => setTimeout(ok, 3));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await open();
  const c = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  await new Promise((ok) => setTimeout(ok, 2));
  h.disable();
  const mem = process.memoryUsage();
  const mb = (b) => Math.round(b / 1e5) / 10;
  console.log(
    JSON.stringify({
      name: 'open',
      ms: Math.round(ms),
      cpuMs: Math.round((c.user + c.system) / 1000),
      blockMs: Math.round(h.max / 1e6),
      heapUsedMB: mb(mem.heapUsed - mem0.heapUsed),
      arrayBuffersMB: mb(mem.arrayBuffers - mem0.arrayBuffers),
    }),
  );
}
async function queryable() {
  if (!args.includes('--store')) return memoryQueryable(buildSeries());
  const storeDist = args.includes('--store-dist')
    ? pathToFileURL(args[args.indexOf('--store-dist') + 1]).href
    : '../../packages/store/dist/index.js';
  const { createStore } = await import(storeDist);
  if (args.includes('--data-dir')) {
    const dataDir = args[args.indexOf('--data-dir') + 1];
    const opened = createStore({ dataDir, retentionMs: 36_500 * 86_400_000 });
    await timedOpen(() => opened.open());
    return storeQueryable(opened, withScheduler);
  }
  // kept for longer than the data spans, so nothing is rolled up (as bench/promql/run.mjs opens its store)
  const store = createStore({ retentionMs: 36_500 * 86_400_000 });
  for (const s of buildSeries())
    for (let i = 0; i < s.timestamps.length; i++) store.append(s.labels, s.timestamps[i], s.values[i]);
  return storeQueryable(store, withScheduler);
}
const engine = createEngine({ queryable: await queryable(), ...withScheduler });
const cases = {
  instant: () => engine.instantQuery('sum by (job) (bench_temperature)', END),
  rate: () =>
    engine.rangeQuery(
      'sum by (job) (rate(bench_requests_total[5m]))',
      END - size.counterSpanMs + 5 * MIN,
      END,
      15_000,
    ),
  histogram: () =>
    engine.rangeQuery(
      'histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))',
      END - 115 * MIN,
      END,
      15_000,
    ),
  rules: async () => {
    for (const q of ruleExprs(size)) await engine.instantQuery(q, END);
  },
};
for (const [name, run] of Object.entries(cases)) {
  if (only && !only.split(',').includes(name)) continue;
  for (let w = 0; w < warm; w++) await run();
  const gcs = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const perRun = perRunBlocks ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
  perRun?.enable();
  await new Promise((ok) => setTimeout(ok, 3));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  longestStretch = 0;
  mark = cpuNow();
  const cpuRuns = [];
  const blockRuns = [];
  const runWindows = [];
  const stretchRuns = [];
  for (let r = 0; r < reps; r++) {
    const cr = process.cpuUsage();
    perRun?.reset();
    const runStart = performance.now();
    runStretch = 0;
    mark = cpuNow();
    await run();
    stretchEnd();
    stretchRuns.push(Math.round(runStretch * 10) / 10);
    const d = process.cpuUsage(cr);
    cpuRuns.push(Math.round((d.user + d.system) / 1000));
    if (perRun) {
      // let the monitor's timer fire once more, so a block that ends the run is counted in it
      await new Promise((ok) => setTimeout(ok, 2));
      blockRuns.push(Math.round(perRun.max / 1e5) / 10);
      runWindows.push([runStart, performance.now()]);
    }
  }
  stretchEnd();
  const ms = (performance.now() - t0) / reps;
  const cpu = process.cpuUsage(c0);
  await new Promise((ok) => setTimeout(ok, 5));
  h.disable();
  perRun?.disable();
  gcObserver.disconnect();
  // garbage-collector pauses in the measured runs: the part of a block no slice can cut (kind 1: scavenge)
  const scavenges = gcs.filter((e) => e.detail?.kind === 1).map((e) => e.duration);
  const gc = {
    gcPauses: gcs.length,
    gcMaxMs: Math.round(Math.max(0, ...gcs.map((e) => e.duration)) * 10) / 10,
    scavenges: scavenges.length,
    scavengeMaxMs: Math.round(Math.max(0, ...scavenges) * 10) / 10,
    scavengeMedianMs: Math.round((scavenges.sort((a, b) => a - b)[scavenges.length >> 1] ?? 0) * 100) / 100,
  };
  // CPU time is steadier than wall time on a loaded machine (it leaves out time the process was not running).
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000 / reps);
  const stretch = scheduler ? { longestCpuStretchMs: Math.round(longestStretch * 10) / 10 } : {};
  console.log(
    JSON.stringify({
      name,
      ms: Math.round(ms),
      cpuMs,
      blockMs: Math.round(h.max / 1e6),
      p99Ms: Math.round(h.percentile(99) / 1e5) / 10,
      ...stretch,
      ...gc,
      ...(reps > 1 ? { cpuMsRuns: cpuRuns } : {}),
      ...(perRun ? { blockMsRuns: blockRuns, gcMaxMsRuns: gcMaxPerRun(gcs, runWindows) } : {}),
      ...(perRun && scheduler ? { cpuStretchMsRuns: stretchRuns } : {}),
    }),
  );
}
