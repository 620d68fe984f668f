// CPU per sample of the embedded preset's ensemble detector (packages/node's options), alone: N series × R samples
// one second apart, fed as the preset feeds it (one batch per read through the detector's `detect`, findings
// included), timed over the reads after `skip` (default 150: past the 140-sample warm-up and calibration). One
// measurement per fresh process:
//   node packages/detectors/bench/steady.mjs [series] [samples] [skip] [dist]
// `dist` (default: this package's dist) lets an A/B run load another build of @argus/detectors. Prints a hash of
// every score so two builds can be checked to agree, and the CPU of one state save of every series (the detector's
// part: each series' state as the snapshot takes it, without core's encoding).
import { pathToFileURL } from 'node:url';

const [seriesArg = '10000', samplesArg = '200', skipArg = '150', distArg] = process.argv.slice(2);
const series = Number(seriesArg);
const samples = Number(samplesArg);
const skip = Number(skipArg);
const dist = distArg
  ? pathToFileURL(`${distArg.replace(/\/$/, '')}/index.js`).href
  : new URL('../dist/index.js', import.meta.url).href;
const { ensembleDetector } = await import(dist);

// the preset's ensemble (packages/node's PRESET_ENSEMBLE)
const detector = ensembleDetector({ suppressSamples: 0, freezeAt: 0.6, currentAtLeast: 0.5 });
// xorshift32 noise around a per-series level, as bench/embed/child.mjs's registry
let x = 12345;
const u = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) / 2 ** 32;
};
const ids = Int32Array.from({ length: series }, (_, i) => i);
const batch = {
  length: series,
  series: ids,
  timestamps: new Float64Array(series),
  values: new Float64Array(series),
};
const ctx = { now: 0, series: { fingerprint: String, labels: () => ({}) } };
const t0 = Date.UTC(2026, 11, 7, 9);
let hash = 0;
let findings = 0;
let cpu0 = process.cpuUsage();
for (let r = 0; r < samples; r++) {
  if (r === skip) cpu0 = process.cpuUsage();
  const t = t0 + r * 1000;
  batch.timestamps.fill(t);
  for (let id = 0; id < series; id++)
    batch.values[id] = Math.round((10 + (id % 97) + u() + u() + u() + u() - 2) * 100) / 100;
  const found = detector.detect(batch, ctx) ?? [];
  findings += found.length;
  for (const f of found) hash = (Math.imul(hash, 31) + Math.round(f.score * 1e9) + f.series) | 0;
}
const cpu = process.cpuUsage(cpu0);
const measured = (samples - skip) * series;
// what a state save asks of the detector every snapshotIntervalMs: every series' state (all changed since the last)
const fingerprints = Array.from({ length: series }, (_, i) => `fp${i}`);
ctx.series = { fingerprint: (id) => fingerprints[id], labels: () => ({}) };
const SAVES = 5;
let saved = 0;
const save0 = process.cpuUsage();
for (let k = 0; k < SAVES; k++) {
  for (const [, entry] of detector.snapshotParts(ctx).entries) if (entry !== null) saved++;
}
const save = process.cpuUsage(save0);
process.stdout.write(
  `${JSON.stringify({
    dist: distArg ?? 'this',
    series,
    samples,
    skip,
    nsPerSample: Math.round(((cpu.user + cpu.system) * 1000) / measured),
    msPerRead: Math.round((cpu.user + cpu.system) / 10 / (samples - skip)) / 100,
    msPerSave: Math.round((save.user + save.system) / 10 / SAVES) / 100,
    saved: saved / SAVES,
    findings,
    hash,
  })}\n`,
);
