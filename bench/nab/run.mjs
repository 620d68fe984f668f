// NAB benchmark for @argus/detectors: `pnpm bench:nab` at the repository root.
// 1. Checks the TypeScript scorer against NAB's published results (shipped thresholds and its own sweep).
// 2. Streams every NAB file through each detector and the ensemble, writes NAB-format results under
//    bench/nab/results/ and scores them with one corpus-wide threshold per profile.
// 3. Tunes the ensemble honestly: the configuration is chosen on the even-numbered files (sorted order)
//    and reported on the odd-numbered half and on all 58.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  createEnsembleModel,
  ENSEMBLE_MEMBERS,
  memberModel,
  NAB_PROFILES,
  normalizeNab,
  scoreCorpus,
  sweepThreshold,
} from '../../packages/detectors/dist/index.js';
import { loadCorpus, loadPublished, NAB_DIR } from './corpus.mjs';
import { nabScores, runCorpus, verifyResults, writeResults } from './score.mjs';

const RESULTS = new URL('./results/', import.meta.url).pathname;
const PROFILES = Object.keys(NAB_PROFILES);
const f2 = (x) => x.toFixed(2).padStart(6);
const corpus = loadCorpus();

function checkScorer() {
  const thresholds = JSON.parse(readFileSync(join(NAB_DIR, 'config/thresholds.json'), 'utf8'));
  const published = JSON.parse(readFileSync(join(NAB_DIR, 'results/final_results.json'), 'utf8'));
  let worst = 0;
  const swept = {};
  for (const det of ['numenta', 'null', 'windowedGaussian']) {
    const files = loadPublished(corpus, det);
    for (const p of PROFILES) {
      const raw = scoreCorpus(files, NAB_PROFILES[p], thresholds[det][p].threshold);
      worst = Math.max(worst, Math.abs(normalizeNab(raw, NAB_PROFILES[p], 116) - published[det][p]));
      swept[`${det} ${p}`] = normalizeNab(sweepThreshold(files, NAB_PROFILES[p]).raw, NAB_PROFILES[p], 116);
    }
  }
  const ok = worst < 1e-6 && Math.abs(swept['numenta reward_low_FP_rate'] - 63.2092) < 5e-5;
  console.log(
    `scorer check: shipped thresholds reproduce final_results.json within ${worst.toExponential(1)}; own sweep numenta low-FP ${swept['numenta reward_low_FP_rate'].toFixed(4)} (NAB re-optimised: 63.2092) -> ${ok ? 'OK' : 'FAILED'}`,
  );
  if (!ok) process.exitCode = 1;
}

const DETECTORS = {
  argusRobustZ: () => memberModel('robustZ'),
  argusMad: () => memberModel('mad'),
  argusSeasonal: () => memberModel('seasonal'),
  argusOnlineSeasonal: () => memberModel('onlineSeasonal'),
  argusChangePoint: () => memberModel('changePoint'),
  argusFlatline: () => memberModel('flatline'),
  argusTrend: () => memberModel('trend'),
  argusAr: () => memberModel('ar'),
};

// Round 4's ensemble (the defaults before round 5), measured in the same run as the chosen one.
const ROUND4 = { members: ['seasonal', 'robustZ'] };

// A slice of the grid searched on the even half (the full log is in docs/detectors.md); defaults are the winner.
const GRID = [
  {},
  ROUND4,
  { warmupSamples: 130 },
  { meanFloor: 0.05 },
  { suppressSamples: 20 },
  { members: ['seasonal', 'robustZ', 'ar'] },
  { suppressAt: 0.8 },
  { averageSamples: 20 },
  { historySamples: 3000 },
  { rangeTolerance: 0.05 },
  { rangeTolerance: null },
  { members: ['seasonal', 'robustZ', 'flatline'] },
];

function tuneEnsemble() {
  let best;
  for (const cfg of GRID) {
    const run = runCorpus(corpus, () => createEnsembleModel(cfg));
    const tune = nabScores(corpus, run.scores, (i) => i % 2 === 0).standard.score;
    console.log(`  tuning half: ${f2(tune)} standard for ${JSON.stringify(cfg)}`);
    // as in the log: a change from the defaults (the first entry) is kept only when it gains more than 0.05
    if (!best || tune > best.tune + 0.05) best = { cfg, tune };
  }
  return best.cfg;
}

function row(name, run, extra = '') {
  const all = nabScores(corpus, run.scores);
  const test = nabScores(corpus, run.scores, (i) => i % 2 === 1);
  const cells = PROFILES.map((p) => f2(all[p].score)).join(' ');
  console.log(
    `${name.padEnd(18)} ${cells}   ${f2(test.standard.score)}        ${(run.pointsPerSecond / 1e6).toFixed(2).padStart(5)} M ${(run.pointsPerCpuSecond / 1e6).toFixed(2).padStart(5)} M${extra}`,
  );
}

checkScorer();
console.log(
  `\nNAB v1.1, 58 files, ${corpus.reduce((a, f) => a + f.values.length, 0)} rows; Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}; one thread`,
);
console.log('choosing the ensemble configuration on the 29 even-numbered files:');
const chosen = tuneEnsemble();
console.log(
  `\n${'detector'.padEnd(18)} standard lowFP  lowFN   (test half std)  points/s (wall, per CPU-second)`,
);
for (const [name, make] of Object.entries(DETECTORS)) {
  const run = runCorpus(corpus, make);
  writeResults(RESULTS, name, corpus, run.scores);
  verifyResults(RESULTS, name, corpus);
  row(name, run);
}
// Each member alone, through the ensemble's calibration and damping (what it contributes).
for (const name of ENSEMBLE_MEMBERS) {
  const cfg = { ...chosen, members: [name] };
  const run = runCorpus(corpus, () => createEnsembleModel(cfg));
  const id = `argus${name[0].toUpperCase()}${name.slice(1)}Cal`;
  writeResults(RESULTS, id, corpus, run.scores);
  verifyResults(RESULTS, id, corpus);
  row(id, run);
}
const ens = runCorpus(corpus, () => createEnsembleModel(chosen));
writeResults(RESULTS, 'argusEnsemble', corpus, ens.scores);
verifyResults(RESULTS, 'argusEnsemble', corpus);
row('argusEnsemble', ens, `  ${JSON.stringify(chosen)}`);
row(
  'argusEnsembleR4',
  runCorpus(corpus, () => createEnsembleModel(ROUND4)),
  `  ${JSON.stringify(ROUND4)}`,
);
// Speed, chosen vs round 4, alternating in this process (the machine is shared): best of three each, in wall-clock
// time and in this process's CPU time (which other processes on a loaded machine disturb far less).
const best = { chosen: 0, round4: 0, chosenCpu: 0, round4Cpu: 0 };
for (let k = 0; k < 3; k++) {
  const c = runCorpus(corpus, () => createEnsembleModel(chosen));
  const r = runCorpus(corpus, () => createEnsembleModel(ROUND4));
  best.chosen = Math.max(best.chosen, c.pointsPerSecond);
  best.round4 = Math.max(best.round4, r.pointsPerSecond);
  best.chosenCpu = Math.max(best.chosenCpu, c.pointsPerCpuSecond);
  best.round4Cpu = Math.max(best.round4Cpu, r.pointsPerCpuSecond);
}
const M = (x) => `${(x / 1e6).toFixed(2)} M`;
console.log(
  `points/s/core, best of 3 alternating: chosen ${M(best.chosen)}, round 4 ${M(best.round4)}, ratio ${(best.chosen / best.round4).toFixed(2)}; per CPU-second: chosen ${M(best.chosenCpu)}, round 4 ${M(best.round4Cpu)}, ratio ${(best.chosenCpu / best.round4Cpu).toFixed(2)}`,
);
console.log(
  `ensemble thresholds (all 58): ${PROFILES.map((p) => `${p} ${nabScores(corpus, ens.scores)[p].threshold.toFixed(4)}`).join(', ')}`,
);
const testHalf = nabScores(corpus, ens.scores, (i) => i % 2 === 1);
console.log(`ensemble test half: ${PROFILES.map((p) => `${p} ${testHalf[p].score.toFixed(2)}`).join(', ')}`);
console.log(
  '\npublished (final_results.json): numenta 70.10/63.12/74.32, windowedGaussian 39.65/20.87/47.41, null 0/0/0;',
);
console.log(
  'README: ARTime 74.9/65.1/80.4, CAD OSE 69.9/67.0/73.2, Numenta HTM 70.5-69.7, Skyline 58.2, Random 11.0',
);
console.log(`results written to ${RESULTS}`);
