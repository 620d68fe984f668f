// Detector state per series, alone: the embedded preset's detectors (the ensemble with the preset's options, and
// the early check until a series is warm) fed N series × R samples one second apart, then heap + array buffers
// after two full collections, minus the same before, ÷ N. One measurement per fresh process:
//   node --expose-gc packages/detectors/bench/memory.mjs [series] [samples] [dist]
// `dist` (default: this package's dist) lets an A/B run load another build of @argus/detectors.
import { pathToFileURL } from 'node:url';

const [seriesArg = '10000', samplesArg = '16', distArg] = process.argv.slice(2);
const series = Number(seriesArg);
const samples = Number(samplesArg);
const dist = distArg
  ? pathToFileURL(`${distArg.replace(/\/$/, '')}/index.js`).href
  : new URL('../dist/index.js', import.meta.url).href;
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const { createEnsembleModel, earlyModel, ensembleOptions, pointOut } = await import(dist);

async function settle() {
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

// the preset's ensemble (packages/node's PRESET_ENSEMBLE) and its warm-up: the early check until warm
const PRESET = { suppressSamples: 0, freezeAt: 0.6, currentAtLeast: 0.5 };
const o = ensembleOptions.parse(PRESET);
const need = o.warmupSamples + o.calibrationSamples;
// xorshift32 noise around a per-series level, as bench/embed/child.mjs's registry
let x = 12345;
const u = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) / 2 ** 32;
};
const t0 = Date.UTC(2026, 11, 7, 9);
const base = await settle();
const model = createEnsembleModel(PRESET);
const early = earlyModel();
const out = pointOut();
let findings = 0;
const started = performance.now();
for (let r = 0; r < samples; r++) {
  const t = t0 + r * 1000;
  for (let id = 0; id < series; id++) {
    const v = Math.round((10 + (id % 97) + u() + u() + u() + u() - 2) * 100) / 100;
    if (r < need && early.update(id, t, v, out) >= 0.5) findings++;
    if (r + 1 === need) early.release(id);
    if (model.update(id, t, v, out) >= 0.5) findings++;
  }
}
const cpuMs = performance.now() - started;
const after = await settle();
process.stdout.write(
  `${JSON.stringify({
    dist: distArg ?? 'this',
    series,
    samples,
    bytesPerSeries: Math.round((after.heap + after.buffers - base.heap - base.buffers) / series),
    heapBytesPerSeries: Math.round((after.heap - base.heap) / series),
    bufferBytesPerSeries: Math.round((after.buffers - base.buffers) / series),
    nsPerSample: Math.round((cpuMs * 1e6) / (series * samples)),
    findings,
    keep: [model, early].length,
  })}\n`,
);
