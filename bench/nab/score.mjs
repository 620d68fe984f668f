// Streams the NAB corpus through a model factory and scores the result with the TypeScript NAB scorer.
import { NAB_PROFILES, normalizeNab, sweepThreshold } from '../../packages/detectors/dist/index.js';

/**
 * Runs `makeModel()` over every file (one series id per file, one model for the corpus); returns scores and timing:
 * points per wall-clock second, and points per second of this process's CPU time (user + system), which a loaded
 * shared machine disturbs far less (other processes' time is not counted; cache and core sharing still are).
 */
export function runCorpus(corpus, makeModel) {
  const model = makeModel();
  const out = { score: 0, z: 0, expected: 0, lower: 0, upper: 0, kind: 'spike' };
  const scores = [];
  let points = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  corpus.forEach((f, id) => {
    const s = new Float64Array(f.values.length);
    for (let i = 0; i < s.length; i++) s[i] = model.update(id, f.times[i], f.values[i], out);
    scores.push(s);
    points += s.length;
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { scores, pointsPerSecond: points / seconds, pointsPerCpuSecond: points / cpuSeconds };
}

/** Normalised NAB scores per profile, each with its own corpus-wide swept threshold, over the files picked by `keep`. */
export function nabScores(corpus, scores, keep = () => true) {
  const files = [];
  corpus.forEach((f, i) => {
    if (keep(i)) files.push({ name: f.key, windows: f.windows, scores: scores[i] });
  });
  const windows = files.reduce((a, f) => a + f.windows.length, 0);
  const result = {};
  for (const [name, profile] of Object.entries(NAB_PROFILES)) {
    const sweep = sweepThreshold(files, profile);
    result[name] = { score: normalizeNab(sweep.raw, profile, windows), threshold: sweep.threshold };
  }
  return result;
}

export { verifyResults, writeResults } from './csv.mjs';
