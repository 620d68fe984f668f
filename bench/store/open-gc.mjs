// What a store's open() leaves to the garbage collector: the first queries after a store opens pay for it.
//   node --expose-gc bench/store/open-gc.mjs write <dir> [series=10000] [samples=600]   (once: fills and closes a store)
//   node --expose-gc bench/store/open-gc.mjs open <dir> [store module]   (a fresh process and a fresh copy of <dir> each
//   time: open() may write to it; the process exits without closing the store)
// `open` prints one JSON line: open()'s wall time, the scavenges (minor GCs) and mark-compacts during it, the young
// generation's use when it resolves, the time of a scavenge run right then (what the first query after open would
// wait for), and the heap + array buffers the open store holds after full collections, per series. A/B another
// build: pass its dist entry (a copy inside packages/store, so its imports resolve); alternate fresh processes.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { settle } from '../lib/memory.mjs';

const [mode, dir, a = '', b = ''] = process.argv.slice(2);
const DIST = new URL('../../packages/store/dist/index.js', import.meta.url).href;
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
if (!dir) throw new Error('usage: open-gc.mjs write|open <dir> …');

if (mode === 'write') {
  const { createStore } = await import(DIST);
  const series = Number(a || 10_000);
  const samples = Number(b || 600);
  const store = createStore({ dataDir: dir, retentionMs: 30 * 86_400_000 });
  await store.open();
  const t0 = 1_700_000_000_000;
  for (let r = 0; r < samples; r++) {
    for (let i = 0; i < series; i++) {
      const v = Math.round((10 + (i % 97) + Math.sin(r / 7 + i) * 2) * 100) / 100;
      store.append(
        {
          __name__: 'bench_queue_depth',
          route: `/api/v1/items/${i % 1000}`,
          instance: `10.0.${Math.floor(i / 1000)}.7:8080`,
        },
        t0 + r * 15_000,
        v,
      );
    }
  }
  await store.close();
  console.log(JSON.stringify({ wrote: dir, series, samples, chunks: store.stats().chunks }));
} else {
  const { createStore } = await import(a || DIST);
  const gcs = [];
  const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  const before = await settle();
  const store = createStore({ dataDir: dir, retentionMs: 30 * 86_400_000 });
  const w0 = performance.now();
  await store.open({ log: () => {} });
  const openMs = performance.now() - w0;
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_used_size;
  const s0 = performance.now();
  globalThis.gc({ type: 'minor', execution: 'sync' });
  const scavengeMs = performance.now() - s0;
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  const during = gcs.filter((e) => e.startTime >= w0 && e.startTime < w0 + openMs);
  const minor = during.filter((e) => e.detail?.kind === 1);
  const after = await settle();
  const series = store.stats().series;
  console.log(
    JSON.stringify({
      mod: a || 'this checkout',
      series,
      chunks: store.stats().chunks,
      openMs: +openMs.toFixed(1),
      scavengesDuringOpen: minor.length,
      scavengeMsDuringOpen: +minor.reduce((s, e) => s + e.duration, 0).toFixed(1),
      otherGcsDuringOpen: during.length - minor.length,
      youngKBAfterOpen: Math.round(young / 1024),
      scavengeMsAfterOpen: +scavengeMs.toFixed(2),
      bytesPerSeries: Math.round((after.heap + after.buffers - before.heap - before.buffers) / series),
    }),
  );
  process.exit(0);
}
