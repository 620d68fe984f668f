// Writes NAB-format results CSVs (no dependency on the built package, so the test suite can check the layout),
// and reads them back with a real CSV parser, so a file NAB's own scorer would reject never goes unnoticed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** Path of one results file: results/<det>/<category>/<det>_<file>.csv. */
const resultsPath = (dir, detector, f) => join(dir, detector, f.category, `${detector}_${f.file}`);

/** Writes NAB-format results files: results/<det>/<category>/<det>_<file>.csv. */
export function writeResults(dir, detector, corpus, scores) {
  corpus.forEach((f, i) => {
    const folder = join(dir, detector, f.category);
    mkdirSync(folder, { recursive: true });
    const inWindow = new Uint8Array(f.values.length);
    for (const [l, r] of f.windows) inWindow.fill(1, l, r + 1);
    const lines = ['timestamp,value,anomaly_score,label'];
    for (let r = 0; r < f.values.length; r++) {
      lines.push(`${f.stamps[r]},${f.raw[r]},${scores[i][r]},${inWindow[r]}`);
    }
    writeFileSync(resultsPath(dir, detector, f), `${lines.join('\n')}\n`);
  });
}

/**
 * Reads every results file of `detector` back as CSV and checks it against its data file (`f.path`, read with the
 * same parser): one row per data row, the same timestamps in the same order, a numeric `anomaly_score` in 0..1.
 * NAB's scorer stops on files that fail this ("timestamps and anomalyScores should not be different lengths!").
 * Throws naming the file and the first difference.
 */
export function verifyResults(dir, detector, corpus) {
  for (const f of corpus) {
    const path = resultsPath(dir, detector, f);
    const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true });
    const data = parse(readFileSync(f.path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
    if (rows.length !== data.length) {
      throw new Error(`${path}: ${rows.length} rows, its data file ${f.path} has ${data.length}`);
    }
    rows.forEach((row, r) => {
      if (row.timestamp !== data[r].timestamp) {
        throw new Error(
          `${path}: row ${r + 1} has timestamp ${JSON.stringify(row.timestamp)}, the data file ${JSON.stringify(data[r].timestamp)}`,
        );
      }
      if (row.value !== data[r].value) {
        throw new Error(
          `${path}: row ${r + 1} has value ${JSON.stringify(row.value)}, the data file ${JSON.stringify(data[r].value)}`,
        );
      }
      const s = Number(row.anomaly_score);
      if (row.anomaly_score === '' || !(s >= 0 && s <= 1)) {
        throw new Error(
          `${path}: row ${r + 1} has anomaly_score ${JSON.stringify(row.anomaly_score)}, not a number in 0..1`,
        );
      }
    });
  }
}
