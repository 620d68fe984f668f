// Reads the NAB corpus (data, windows) and NAB-format results files. Benchmark-only: the test suite never reads ../shared.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Path of the shared NAB copy, relative to the repository root. */
export const NAB_DIR = new URL('../../../shared/datasets/nab/', import.meta.url).pathname;

/** Splits one CSV line on commas (NAB files have no quoted fields). */
const cells = (line) => line.split(',');

/** Every data file, sorted by `<category>/<file>`, with timestamps, values and windows as row ranges. */
export function loadCorpus(dir = NAB_DIR) {
  const windows = JSON.parse(readFileSync(join(dir, 'labels/combined_windows.json'), 'utf8'));
  const files = [];
  for (const cat of readdirSync(join(dir, 'data')).sort()) {
    for (const name of readdirSync(join(dir, 'data', cat)).sort()) {
      if (!name.endsWith('.csv')) continue;
      const key = `${cat}/${name}`;
      const path = join(dir, 'data', key);
      // 8 NAB files have CRLF endings: a kept '\r' would end up in the results' value column.
      const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
      const stamps = lines.map((l) => cells(l)[0]);
      const values = Float64Array.from(lines, (l) => Number(cells(l)[1]));
      const times = Float64Array.from(stamps, (s) => Date.parse(`${s.replace(' ', 'T')}Z`));
      const index = new Map(stamps.map((s, i) => [s, i]));
      const wins = (windows[key] ?? []).map(([a, b]) => {
        const l = index.get(a.slice(0, 19));
        const r = index.get(b.slice(0, 19));
        if (l === undefined || r === undefined) throw new Error(`${key}: window ${a}..${b} matches no row`);
        return [l, r];
      });
      const raw = lines.map((l) => cells(l)[1]);
      files.push({ key, category: cat, file: name, path, stamps, times, values, raw, windows: wins });
    }
  }
  return files;
}

/** The `anomaly_score` column of a NAB results CSV, by header name. */
export function readScores(path) {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const col = cells(lines[0]).indexOf('anomaly_score');
  if (col < 0) throw new Error(`${path}: no anomaly_score column`);
  return Float64Array.from(lines.slice(1), (l) => Number(cells(l)[col]));
}

/** Reads a published detector's results for every corpus file. */
export function loadPublished(corpus, detector, dir = NAB_DIR) {
  return corpus.map((f) => ({
    name: f.key,
    windows: f.windows,
    scores: readScores(join(dir, 'results', detector, f.category, `${detector}_${f.file}`)),
  }));
}
