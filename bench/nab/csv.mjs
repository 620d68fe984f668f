// Writes NAB-format results CSVs (no dependency on the built package, so the test suite can check the layout).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
    writeFileSync(join(folder, `${detector}_${f.file}`), `${lines.join('\n')}\n`);
  });
}
