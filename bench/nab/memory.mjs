// Bytes per series of the default ensemble (the streaming detector the pipeline runs and NAB scores), at 100k series.
// Feeds each series 150 samples at 5-minute steps (past the ensemble's 140-sample warm-up, so every state is in its
// final shape), then reads the growth of typed-array and heap memory after a GC.
// Usage: node --expose-gc bench/nab/memory.mjs [series=100000] [shape=noise|daily] ['<ensemble options JSON>']
import { createEnsembleModel, pointOut } from '../../packages/detectors/dist/index.js';

const series = Number(process.argv[2] ?? 100_000);
const shape = process.argv[3] ?? 'noise';
const options = JSON.parse(process.argv[4] ?? '{}');
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const used = () => {
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = used();
const model = createEnsembleModel(options);
const out = pointOut();
const STEP = 300_000;
let seed = 1;
const noise = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648 - 0.5;
};
for (let i = 0; i < 150; i++) {
  const t = 1_700_000_000_000 + i * STEP;
  const base = shape === 'daily' ? 100 + 20 * Math.sin((2 * Math.PI * t) / 86_400_000) : 100;
  for (let id = 0; id < series; id++) model.update(id, t, base + 2 * noise(), out);
}
const bytes = used() - before;
// the model must outlive the measurement: once nothing reads it, V8 may collect it before the GC above and the
// growth reads as about 0 bytes
if (model.save(series - 1) === undefined) throw new Error('the last series has no state');
console.log(
  `ensemble ${JSON.stringify(options)}, ${series} series, ${shape}: ${(bytes / series).toFixed(0)} bytes per series (${(bytes / 2 ** 20).toFixed(1)} MiB)`,
);
