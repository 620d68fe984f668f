// How long one state snapshot holds the event loop, in a fresh process (issue 13; run each mode alternately):
//   node bench/embed/snapshot-stall.mjs <mode> [series] [store]
// mode:  sliced — the pipeline's own save (at stop): parts encoded a slice at a time, yielding between slices
//        whole  — what core did before: the detector's whole snapshot() built, then put() encodes it in one step
// store: memory (default) or file (a temp directory, fsync on)
// Prints one JSON line: the longest gap between runs of a 1 ms timer during the save, the most CPU time used
// inside one gap, and the save's CPU time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [mode = 'sliced', seriesArg = '100000', storeArg = 'memory'] = process.argv.slice(2);
const series = Number(seriesArg);
const pkg = (name) => import(new URL(`../../packages/${name}/dist/index.js`, import.meta.url).href);
const [core, { robustZDetector }] = await Promise.all([pkg('core'), pkg('detectors')]);
const { API_VERSION, createPipeline, fileStateStore, memoryStateStore, MetricBatchBuilder, silentLogger } =
  core;

const dir = storeArg === 'file' ? mkdtempSync(join(tmpdir(), 'argus-snap-bench-')) : undefined;
const state = dir ? fileStateStore({ dir }) : memoryStateStore();
let emit;
const source = { kind: 'source', name: 'push', apiVersion: API_VERSION, listen: (e) => void (emit = e) };
const detector = robustZDetector({});
const pipeline = createPipeline({
  state,
  logger: silentLogger,
  maxSeries: series + 10,
  snapshotIntervalMs: 3_600_000,
  sources: [source],
  detectors: [detector],
});
await pipeline.start();
for (let round = 0; round < 3; round++) {
  const b = new MetricBatchBuilder();
  for (let i = 0; i < series; i++)
    b.pushLabels(
      pipeline.series,
      { __name__: 'bench_queue_depth', route: `/r${i % 1000}`, i: `${i}` },
      1_000 * round,
      i % 97,
    );
  await emit(b.build());
}

// the gap between two runs of a 1 ms timer: how long the loop was held (plus the timer's own lateness)
// on a loaded machine a gap is also time spent waiting for a core: the CPU the process used inside each gap tells
// a held loop (CPU ≈ gap) from a wait (CPU ≪ gap), so the longest gap's CPU is reported beside it
let last = performance.now();
let lastCpu = process.cpuUsage();
let maxGapMs = 0;
let maxGapCpuMs = 0;
const timer = setInterval(() => {
  const now = performance.now();
  const cpuNow = process.cpuUsage();
  const cpuMs = (cpuNow.user - lastCpu.user + cpuNow.system - lastCpu.system) / 1000;
  maxGapMs = Math.max(maxGapMs, now - last);
  maxGapCpuMs = Math.max(maxGapCpuMs, Math.min(cpuMs, now - last));
  last = now;
  lastCpu = cpuNow;
}, 1);
await new Promise((r) => setTimeout(r, 50));
maxGapMs = 0;
maxGapCpuMs = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
if (mode === 'whole') {
  const ctx = { now: Date.now(), mode: 'stream', series: pipeline.series, log: silentLogger, metrics: {} };
  await state.put('robust-z/snapshot', detector.snapshot(ctx));
} else {
  await pipeline.stop();
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await new Promise((r) => setTimeout(r, 5));
clearInterval(timer);
const bytes = JSON.stringify(await state.get('robust-z/snapshot')).length;
if (mode === 'whole') await pipeline.stop();
if (dir) rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    mode,
    series,
    store: storeArg,
    maxLoopGapMs: Math.round(maxGapMs * 10) / 10,
    // the most CPU time the process used inside one gap (a held loop; threads beside the main one count too)
    maxGapCpuMs: Math.round(maxGapCpuMs * 10) / 10,
    saveWallMs: Math.round(wallMs),
    saveCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    snapshotMB: Math.round(bytes / 1e5) / 10,
  }),
);
process.exit(0);
