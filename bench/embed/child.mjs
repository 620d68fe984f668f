// One measurement of the embedded preset, in a fresh process (run by bench/embed/run.mjs, or by hand):
//   node --expose-gc bench/embed/child.mjs <mode> <series> [reads]
// mode: idle   — the registry, its values updated every second, nothing reading it (the baseline)
//       plain  — the same, plus prom-client serialising the registry every second (`registry.metrics()`)
//       argus  — the same, plus startArgus({ registry, intervalMs: 1000, watch: every series })
// Prints one JSON line: CPU (user + system) over the measured reads, and heap + array buffers after GC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArgus } from '@argus/node';
import { Gauge, Registry } from 'prom-client';
import { settle } from '../lib/memory.mjs';

const [mode = 'argus', seriesArg = '10000', readsArg = '16'] = process.argv.slice(2);
const series = Number(seriesArg);
const reads = Number(readsArg);
// the first reads intern every series and allocate state; CPU is measured over the ones after
// (BENCH_SKIP=150 measures past the ensemble's warm-up, when the early check no longer runs)
const skip = Math.min(Number(process.env.BENCH_SKIP ?? 4), reads - 1);
const INTERVAL_MS = 1000;

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

/** A deterministic stream of values around a per-series level (xorshift32, sum of uniforms ≈ normal). */
function noise(seed) {
  let x = seed | 0 || 1;
  const u = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return () => u() + u() + u() + u() - 2;
}

// N series of one gauge: 1000 routes × N/1000 instances, like a service's per-route gauge
const registry = new Registry();
const gauge = new Gauge({
  name: 'bench_queue_depth',
  help: 'Bench gauge',
  labelNames: ['route', 'instance'],
  registers: [registry],
});
const children = [];
for (let i = 0; i < series; i++) {
  children.push(
    gauge.labels({ route: `/api/v1/items/${i % 1000}`, instance: `10.0.${Math.floor(i / 1000)}.7:8080` }),
  );
}
const rnd = noise(12345);
const levels = Float64Array.from({ length: series }, (_, i) => 10 + (i % 97));
const update = () => {
  for (let i = 0; i < series; i++) children[i].set(Math.round((levels[i] + rnd()) * 100) / 100);
};
update();

const base = await settle();
const dataDir = mkdtempSync(join(tmpdir(), 'argus-bench-embed-'));
let argus;
let timer;
let readCount = 0;
let onRead = () => {};
const counted = () => {
  readCount++;
  onRead();
};

if (mode === 'argus') {
  // count reads by wrapping the registry the preset reads: the preset reads counters and gauges through
  // getMetricsAsArray (older builds through getMetricsAsJSON, whose own call of getMetricsAsArray does not come here)
  const watched = Object.create(registry);
  for (const k of ['getMetricsAsJSON', 'getMetricsAsArray']) {
    watched[k] = (...a) => {
      counted();
      return registry[k](...a);
    };
  }
  argus = await startArgus({
    registry: watched,
    intervalMs: INTERVAL_MS,
    watch: '{__name__="bench_queue_depth"}',
    ...(process.env.BENCH_NO_DETECTOR ? { detectors: [] } : {}),
    dataDir,
    notify: { console: false },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
} else if (mode === 'plain') {
  timer = setInterval(() => {
    counted();
    void registry.metrics();
  }, INTERVAL_MS);
} else {
  timer = setInterval(counted, INTERVAL_MS);
}
// values change every second in every mode, on the same timer cadence
const updater = setInterval(update, INTERVAL_MS);

let cpu0;
let t0;
await new Promise((resolve) => {
  onRead = () => {
    if (readCount === skip + 1) {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    }
    if (readCount === reads + 1) resolve();
  };
});
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
clearInterval(updater);
if (timer) clearInterval(timer);
// memory while the preset is still running (its state, store, alerts), minus the bare registry
const after = await settle();
if (process.env.BENCH_HEAP_SNAPSHOT)
  (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
const result = {
  mode,
  series,
  reads: reads - skip,
  cpuMsPerRead: (cpu.user + cpu.system) / 1000 / (reads - skip),
  coreShare: (cpu.user + cpu.system) / 1000 / wallMs,
  bytesPerSeries: (after.heap + after.buffers - base.heap - base.buffers) / series,
  heapBytesPerSeries: (after.heap - base.heap) / series,
  bufferBytesPerSeries: (after.buffers - base.buffers) / series,
  storeBytesPerSeries: argus ? argus.store.stats().bytes / series : 0,
};
if (argus) await argus.stop();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
