// Store benchmark: `pnpm bench:store` at the root (builds first, runs with --expose-gc).
// Flags: --quick (smaller data), --no-prometheus. Prints a markdown section for docs/benchmarks.md.
import { rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeriesRegistry, metricBatch } from '../../packages/core/dist/index.js';
import { createStore } from '../../packages/store/dist/index.js';
import { monitoringSeries, nabSeries } from './data.mjs';
import { startPrometheus } from './prometheus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Math.floor(Date.now() / HOUR) * HOUR - HOUR; // recent, so Prometheus keeps it
const lines = [];
const say = (s) => {
  lines.push(s);
  console.log(s);
};

function fill(store, series) {
  for (const s of series)
    for (let i = 0; i < s.timestamps.length; i++) store.append(s.labels, s.timestamps[i], s.values[i]);
  store.compact();
  return store.stats();
}

const bigStore = () => createStore({ retentionMs: 1000 * DAY, maxBytes: 8 * 2 ** 30, outOfOrderWindowMs: 0 });

function bytesPerSample(series) {
  const st = fill(bigStore(), series);
  return { sealed: st.chunkBytes / st.chunkSamples, total: st.bytes / st.samples, samples: st.samples };
}

function ingest(nSeries, ticks) {
  const reg = createSeriesRegistry();
  const ids = Int32Array.from({ length: nSeries }, (_, i) => reg.intern({ __name__: 'x', i: String(i) }));
  const batches = [];
  for (let k = 0; k < ticks; k++) {
    const t = new Float64Array(nSeries).fill(END - DAY + k * 15_000);
    const v = Float64Array.from(
      { length: nSeries },
      (_, i) => Math.round((50 + 10 * Math.sin(k / 50 + i)) * 10) / 10,
    );
    batches.push(metricBatch(ids, t, v));
  }
  const store = bigStore();
  store.appendBatch(batches[0], reg); // interns store series outside the timed part
  globalThis.gc();
  const t0 = performance.now();
  for (let k = 1; k < ticks; k++) store.appendBatch(batches[k], reg);
  const ms = performance.now() - t0;
  return ((ticks - 1) * nSeries) / (ms / 1000);
}

async function median(fn, reps) {
  const xs = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

const fmt = (x, d = 2) => x.toFixed(d);
say('## Store');
say('');
say(
  `Machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, Node ${process.version}. \`pnpm bench:store\`${quick ? ' --quick' : ''}.`,
);
say('');

// 1. bytes per sample
const monDay = monitoringSeries(quick ? 20 : 200, END - DAY, END);
const monRaw = monitoringSeries(quick ? 20 : 200, END - DAY, END, { round: false });
const mon = bytesPerSample(monDay);
const raw = bytesPerSample(monRaw);
const nab = nabSeries(join(here, '../../../shared/datasets/nab/data'));
const nabB = nab.length > 0 ? bytesPerSample(nab) : undefined;
say('| data | samples | bytes/sample, sealed chunks | bytes/sample, whole store (heads, index, rollups) |');
say('|---|---:|---:|---:|');
say(
  `| synthetic monitoring, 15 s, ${monDay.length} series × 1 day (gauges 4 significant digits, integer counters) | ${mon.samples} | **${fmt(mon.sealed)}** | ${fmt(mon.total)} |`,
);
say(
  `| same, full-precision float noise (no rounding) | ${raw.samples} | ${fmt(raw.sealed)} | ${fmt(raw.total)} |`,
);
if (nabB)
  say(
    `| NAB, all ${nab.length} files (irregular decimals) | ${nabB.samples} | ${fmt(nabB.sealed)} | ${fmt(nabB.total)} |`,
  );
say('');

// 2. ingest
// two discarded warm-up runs (the JIT settles after a few hundred chunks), then five runs: the machine is
// shared and GC timing varies; report the median and the best
ingest(1000, 200);
ingest(1000, 200);
const rates = Array.from({ length: 5 }, () => ingest(1000, quick ? 200 : 2000)).sort((a, b) => a - b);
const rate1 = rates[2];
say(
  `Ingest (in memory, one core, 1,000 series × ${quick ? 200 : 2000} batches through \`appendBatch\`): **${fmt(rate1 / 1e6)} M samples/s** median of 5 runs (best ${fmt(rates[4] / 1e6)}).`,
);
say('');

// 3. query latency, store vs Prometheus on the same data
const many = monitoringSeries(1000, END - 2 * HOUR, END);
const long = monitoringSeries(1, END - DAY, END).map((s) => ({
  ...s,
  labels: { ...s.labels, instance: 'long' },
}));
const qStore = bigStore();
fill(qStore, [...many, ...long]);
const reps = quick ? 5 : 20;
const q1 = { matchers: '{instance="long"}', from: END - DAY, to: END, stepMs: 15_000, agg: 'avg' };
const q2 = {
  matchers: '{job="bench",instance!="long"}',
  from: END - HOUR,
  to: END,
  stepMs: 15_000,
  agg: 'avg',
};
const s1 = await median(() => qStore.range(q1), reps);
const s2 = await median(() => qStore.range(q2), reps);
let p1;
let p2;
let prom;
if (!args.includes('--no-prometheus')) {
  const work = join(os.tmpdir(), `argus-bench-prom-${process.pid}`);
  try {
    prom = await startPrometheus([...many, ...long], work);
    if (prom) {
      const sec = (ms) => String(ms / 1000);
      const a = {
        query: 'avg_over_time({instance="long"}[15s])',
        start: sec(END - DAY + 15_000),
        end: sec(END),
        step: '15',
      };
      const b = {
        query: 'avg_over_time({job="bench",instance!="long"}[15s])',
        start: sec(END - HOUR + 15_000),
        end: sec(END),
        step: '15',
      };
      await prom.query(a);
      await prom.query(b);
      p1 = await median(() => prom.query(a), reps);
      p2 = await median(() => prom.query(b), reps);
    }
  } finally {
    prom?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
say('| query (avg per 15 s step) | @argus/store | Prometheus (HTTP, same data) |');
say('|---|---:|---:|');
say(`| 1 series × 1 day | ${fmt(s1)} ms | ${p1 === undefined ? 'n/a' : `${fmt(p1)} ms`} |`);
say(`| 1,000 series × 1 h | ${fmt(s2)} ms | ${p2 === undefined ? 'n/a' : `${fmt(p2)} ms`} |`);
if (prom) {
  say('');
  say(
    `Prometheus on that query data (${many.length + long.length} series, promtool blocks): ${fmt(prom.bytesPerSample)} bytes/sample for the whole block directories, ${fmt(prom.chunkBytesPerSample)} for chunk files alone; the store holds the same data at ${fmt(qStore.stats().chunkBytes / qStore.stats().chunkSamples)} bytes/sample in sealed chunks.`,
  );
}
