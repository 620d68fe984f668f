// Tuning harness for the ensemble (issue 22's protocol): scores configurations on the 29 even-numbered NAB files
// (the tuning half); with --report also on the odd half (held out) and all 58, for the log in docs/detectors.md.
// Choices are made on the tuning-half number only.
// Usage: node bench/nab/tune.mjs [--report] '<config JSON>' ['<config JSON>' …]
// A config is the ensemble's options plus, optionally, `with`: prototype members from prototypes.mjs
// ([{ "proto": "onlineSeason", "options": {…}, "weight": 1 }]), `base: false` to drop the named members, and
// `split: true` to calibrate each member in its own one-member ensemble and take the largest calibrated score.
import { ensembleMembers, ensembleModel, ensembleOptions } from '../../packages/detectors/dist/index.js';
import { loadCorpus } from './corpus.mjs';
import { PROTOTYPES, weighted } from './prototypes.mjs';
import { nabScores, runCorpus } from './score.mjs';

/**
 * Per-member calibration (`split: true`): each member runs in its own one-member ensemble (its own likelihood, range
 * rule and suppression), and the sample's score is the largest of their calibrated scores.
 */
function makeSplit({ split: _split, ...cfg }) {
  const o = ensembleOptions.parse(cfg);
  const parts = o.members.map((name) => makeEnsemble({ ...cfg, members: [name] }));
  return {
    update(id, t, v, out) {
      let best = 0;
      for (const p of parts) best = Math.max(best, p.update(id, t, v, out));
      out.score = best;
      return best;
    },
  };
}

/** The ensemble of `createEnsembleModel(cfg)`, plus the prototype members in `cfg.with`. */
function makeEnsemble({ with: extra = [], base = true, ...cfg }) {
  if (cfg.split) return makeSplit(cfg);
  const o = ensembleOptions.parse(cfg);
  const members = base ? ensembleMembers(o) : [];
  for (const { proto, options = {}, weight = 1 } of extra) {
    const model = PROTOTYPES[proto]({ warmup: o.warmupSamples, ...options });
    members.push({ name: proto, model: weight === 1 ? model : weighted(model, weight) });
  }
  return ensembleModel({
    ...o,
    members,
    memberWarmupSamples: o.warmupSamples,
    warmupSamples: o.warmupSamples + o.calibrationSamples,
  });
}

const args = process.argv.slice(2);
const report = args.includes('--report');
const configs = args.filter((a) => a !== '--report').map((a) => JSON.parse(a));
const corpus = loadCorpus();
const even = corpus.filter((_, i) => i % 2 === 0);
const f2 = (x) => x.toFixed(2);
const profiles = (s) =>
  `${f2(s.standard.score)}/${f2(s.reward_low_FP_rate.score)}/${f2(s.reward_low_FN_rate.score)}`;

for (const cfg of configs.length > 0 ? configs : [{}]) {
  const files = report ? corpus : even;
  const run = runCorpus(files, () => makeEnsemble(cfg));
  const speed = `${(run.pointsPerSecond / 1e6).toFixed(2)} M/s (${(run.pointsPerCpuSecond / 1e6).toFixed(2)} M/CPU-s)`;
  if (!report) {
    console.log(
      `tuning ${f2(nabScores(files, run.scores).standard.score)}  ${speed}  ${JSON.stringify(cfg)}`,
    );
    continue;
  }
  const all = nabScores(corpus, run.scores);
  const tune = nabScores(corpus, run.scores, (i) => i % 2 === 0);
  const test = nabScores(corpus, run.scores, (i) => i % 2 === 1);
  console.log(
    `all ${profiles(all)}  tuning ${profiles(tune)}  test ${profiles(test)}  ${speed}  ${JSON.stringify(cfg)}`,
  );
}
