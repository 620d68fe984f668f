// The store alone, per series: N series of three labels, R samples each through `appendBatch` (one batch per read, as
// the embedded preset writes them), in a fresh process. Prints one JSON line: heap + array buffers after two full
// collections beyond the same before the store was made, ÷ N; CPU (user + system) per appended sample; and the time
// of the appends that create the series (the first batch), and CPU per sample of the batches after it (the store building its label indexes from the registry's label objects).
//   node --expose-gc bench/store/per-series.mjs [series=10000] [samples=16] [store module=@argus/store] [objects|text]
// `text`: the registry interns each series by its text (as the Prometheus scrape parser does) and builds its label
// object only when asked — here, by the store's first append of it; `objects` (default): interned as label objects.
// A/B another build: pass its dist entry (a copy of main's packages/store/dist inside packages/store, so its imports
// resolve); alternate the two in fresh processes.
import { createSeriesRegistry, metricBatch } from '@argus/core';
import { settle } from '../lib/memory.mjs';

const [nArg = '10000', rArg = '16', mod = '@argus/store', how = 'objects'] = process.argv.slice(2);
const n = Number(nArg);
const reads = Number(rArg);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const { createStore } = await import(mod);

const labelsOf = (i) => ({
  __name__: 'bench_queue_depth',
  route: `/api/v1/items/${i % 1000}`,
  instance: `10.0.${Math.floor(i / 1000)}.7:8080`,
});
/** Labels from a series' text, `name{k="v",…}` (the bench's own texts: no escapes). */
const build = (text) => {
  const open = text.indexOf('{');
  const out = { __name__: text.slice(0, open) };
  for (const m of text.slice(open + 1, -1).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return Object.freeze(out);
};
const registry = createSeriesRegistry();
const ids = new Int32Array(n);
// the fingerprint `internText` wants, taken from a registry that interns the label object
const hasher = createSeriesRegistry();
for (let i = 0; i < n; i++) {
  const l = labelsOf(i);
  if (how === 'text') {
    const fp = hasher.fingerprint(hasher.intern(l));
    const text = `${l.__name__}{route="${l.route}",instance="${l.instance}"}`;
    const hi = Number.parseInt(fp.slice(0, 8), 16) | 0;
    const lo = Number.parseInt(fp.slice(8), 16) | 0;
    ids[i] = registry.internText(hi, lo, 3, text, build);
  } else ids[i] = registry.intern(l);
}
globalThis.keepHasher = hasher;
// values as the embed bench sets them: a per-series level plus noise, two decimals (xorshift32, deterministic)
let x = 12345;
const u = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) / 2 ** 32;
};
const batches = [];
for (let r = 0; r < reads; r++) {
  const ts = new Float64Array(n).fill(1_700_000_000_000 + r * 1000);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) vs[i] = Math.round((10 + (i % 97) + u() + u() + u() + u() - 2) * 100) / 100;
  batches.push(metricBatch(ids, ts, vs));
}

const before = await settle();
const store = createStore({});
const c0 = process.cpuUsage();
const w0 = performance.now();
store.appendBatch(batches[0], registry);
const firstMs = performance.now() - w0;
const c1 = process.cpuUsage();
for (let r = 1; r < reads; r++) store.appendBatch(batches[r], registry);
const cpu = process.cpuUsage(c0);
const cpuLater = process.cpuUsage(c1);

const after = await settle();
const stats = store.stats();
if (registry.size !== n) throw new Error(`registry holds ${registry.size} series, expected ${n}`);
if (stats.samples !== n * reads) throw new Error(`stored ${stats.samples} samples, expected ${n * reads}`);
console.log(
  JSON.stringify({
    mod,
    labels: how,
    series: n,
    samples: reads,
    bytesPerSeries: Math.round((after.heap + after.buffers - before.heap - before.buffers) / n),
    heap: Math.round((after.heap - before.heap) / n),
    buffers: Math.round((after.buffers - before.buffers) / n),
    cpuUsPerSample: +((cpu.user + cpu.system) / (n * reads)).toFixed(3),
    // the appends after the first batch: series known, only samples
    cpuUsPerLaterSample: +((cpuLater.user + cpuLater.system) / (n * (reads - 1))).toFixed(3),
    firstBatchMs: +firstMs.toFixed(1),
  }),
);
globalThis.keep = [store, batches];
