// Writes packages/detectors/test/fixtures/nab-fixture.json: a few NAB files' published anomaly scores, their
// windows (row indices) and NAB's own per-file scores at the shipped thresholds, so the suite can check the
// TypeScript scorer without ../shared. Run: node bench/nab/make-fixture.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus, NAB_DIR, readScores } from './corpus.mjs';

const PICK = [
  ['numenta', 'realTraffic/speed_7578.csv'],
  ['numenta', 'realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv'],
  ['numenta', 'artificialWithAnomaly/art_daily_jumpsdown.csv'],
  ['windowedGaussian', 'realAdExchange/exchange-3_cpc_results.csv'],
  ['windowedGaussian', 'realTraffic/speed_7578.csv'],
];
const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];
const corpus = new Map(loadCorpus().map((f) => [f.key, f]));

function publishedRow(detector, profile, key) {
  const csv = readFileSync(join(NAB_DIR, 'results', detector, `${detector}_${profile}_scores.csv`), 'utf8');
  const row = csv.split('\n').find((l) => l.split(',')[2] === key);
  if (!row) throw new Error(`${detector} ${profile}: no row for ${key}`);
  const c = row.split(',');
  return { threshold: Number(c[3]), score: Number(c[4]) };
}

const files = PICK.map(([detector, key]) => {
  const f = corpus.get(key);
  const [cat, file] = key.split('/');
  const scores = Array.from(readScores(join(NAB_DIR, 'results', detector, cat, `${detector}_${file}`)));
  const expected = Object.fromEntries(PROFILES.map((p) => [p, publishedRow(detector, p, key)]));
  return { detector, name: key, windows: f.windows, scores, expected };
});
const out = new URL('../../packages/detectors/test/fixtures/nab-fixture.json', import.meta.url).pathname;
writeFileSync(out, `${JSON.stringify({ source: 'NAB v1.1 @ ea702d75 results/*', files })}\n`);
console.log(`wrote ${out}`);
