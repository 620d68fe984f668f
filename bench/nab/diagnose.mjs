// Where an ensemble configuration loses NAB points, file by file: at the standard profile's swept threshold for one
// half, each file's false positives after the probation (and where) and each window's first detection (samples after
// the window's start / window length) or its maximum score when missed. Reads the half it diagnoses, so use it on the
// tuning half (0, the even-numbered files) only when choosing.
// Usage: node bench/nab/diagnose.mjs ['<ensemble options JSON>'] [half = 0 | 1]
import { createEnsembleModel, probationLength } from '../../packages/detectors/dist/index.js';
import { loadCorpus } from './corpus.mjs';
import { nabScores, runCorpus } from './score.mjs';

const corpus = loadCorpus();
const cfg = JSON.parse(process.argv[2] ?? '{}');
const half = Number(process.argv[3] ?? 0);
const run = runCorpus(corpus, () => createEnsembleModel(cfg));
const thr = nabScores(corpus, run.scores, (i) => i % 2 === half).standard.threshold;
console.log('threshold', thr.toFixed(3));
const tot = { fp: 0, miss: 0, win: 0 };
corpus.forEach((f, i) => {
  if (i % 2 !== half) return;
  const s = run.scores[i];
  const prob = probationLength(s.length);
  const inWin = (j) => f.windows.some(([a, b]) => j >= a && j <= b);
  let fp = 0;
  const fpAt = [];
  for (let j = prob; j < s.length; j++)
    if (s[j] >= thr && !inWin(j)) {
      fp++;
      fpAt.push(j);
    }
  const wins = f.windows.map(([a, b]) => {
    let mx = 0,
      first = -1;
    for (let j = a; j <= b; j++) {
      if (s[j] > mx) mx = s[j];
      if (first < 0 && s[j] >= thr && j >= prob) first = j - a;
    }
    return first >= 0 ? `hit@${first}/${b - a}` : `MISS(max ${mx.toFixed(2)})`;
  });
  const miss = wins.filter((w) => w.startsWith('MISS')).length;
  tot.fp += fp;
  tot.miss += miss;
  tot.win += f.windows.length;
  console.log(f.key.padEnd(60), `n=${s.length}`, `fp=${fp}`, fpAt.slice(0, 6).join(','), '|', wins.join(' '));
});
console.log(tot);
