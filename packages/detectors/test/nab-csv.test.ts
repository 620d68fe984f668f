import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM benchmark module without types
import { loadCorpus } from '../../../bench/nab/corpus.mjs';
// @ts-expect-error: plain ESM benchmark module without types
import { verifyResults, writeResults } from '../../../bench/nab/csv.mjs';

const dir = mkdtempSync(join(tmpdir(), 'nab-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NAB results CSVs', () => {
  it("have NAB's layout: header timestamp,value,anomaly_score,label, one row per input row in file order", () => {
    const stamps = [
      '2014-04-01 00:00:00',
      '2014-04-01 00:05:00',
      '2014-04-01 00:10:00',
      '2014-04-01 00:15:00',
    ];
    const corpus = [
      {
        category: 'realKnownCause',
        file: 'x.csv',
        stamps,
        raw: ['1', '2.5', '3', '4'],
        values: [1, 2.5, 3, 4],
        windows: [[1, 2]],
      },
    ];
    writeResults(dir, 'argusEnsemble', corpus, [Float64Array.of(0, 0.25, 1, 0)]);
    const text = readFileSync(join(dir, 'argusEnsemble/realKnownCause/argusEnsemble_x.csv'), 'utf8');
    expect(text.split('\n')).toEqual([
      'timestamp,value,anomaly_score,label',
      '2014-04-01 00:00:00,1,0,0',
      '2014-04-01 00:05:00,2.5,0.25,1',
      '2014-04-01 00:10:00,3,1,1',
      '2014-04-01 00:15:00,4,0,0',
      '',
    ]);
  });

  // A small NAB-shaped corpus: one LF file and one CRLF file, as 8 of NAB's data files are.
  function miniNab(): string {
    const nab = mkdtempSync(join(dir, 'nab-'));
    const rows = [
      '2011-07-01 00:00:01,0.081965',
      '2011-07-01 01:00:01,0.098972',
      '2011-07-01 02:00:01,0.065314',
    ];
    mkdirSync(join(nab, 'data/realAdExchange'), { recursive: true });
    mkdirSync(join(nab, 'labels'));
    writeFileSync(join(nab, 'data/realAdExchange/crlf.csv'), `timestamp,value\r\n${rows.join('\r\n')}\r\n`);
    writeFileSync(join(nab, 'data/realAdExchange/lf.csv'), `timestamp,value\n${rows.join('\n')}\n`);
    writeFileSync(
      join(nab, 'labels/combined_windows.json'),
      JSON.stringify({
        'realAdExchange/crlf.csv': [['2011-07-01 01:00:01.000000', '2011-07-01 02:00:01.000000']],
      }),
    );
    return nab;
  }

  it('read CRLF data files without a trailing \\r, so results of CRLF files parse back row for row', () => {
    const corpus = loadCorpus(miniNab());
    expect(corpus.map((f: { file: string }) => f.file)).toEqual(['crlf.csv', 'lf.csv']);
    for (const f of corpus) expect(f.raw).toEqual(['0.081965', '0.098972', '0.065314']);
    const out = mkdtempSync(join(dir, 'out-'));
    const scores = corpus.map(() => Float64Array.of(0, 0.5, 1));
    writeResults(out, 'argusEnsemble', corpus, scores);
    expect(() => verifyResults(out, 'argusEnsemble', corpus)).not.toThrow();
    const text = readFileSync(join(out, 'argusEnsemble/realAdExchange/argusEnsemble_crlf.csv'), 'utf8');
    expect(text).not.toContain('\r');
    expect(text.trim().split('\n')).toHaveLength(4);
  });

  it('verification rejects a results file whose values kept a \\r, or that lost a row', () => {
    const corpus = loadCorpus(miniNab());
    const out = mkdtempSync(join(dir, 'bad-'));
    const scores = corpus.map(() => Float64Array.of(0, 0.5, 1));
    const kept = corpus.map((f: { raw: string[] }) => ({ ...f, raw: f.raw.map((v) => `${v}\r`) }));
    writeResults(out, 'argusEnsemble', kept, scores);
    expect(() => verifyResults(out, 'argusEnsemble', corpus)).toThrow(/row 1 has value/);
    const short = corpus.map((f: { values: number[] }) => ({ ...f, values: f.values.slice(0, 2) }));
    writeResults(out, 'argusEnsemble', short, scores);
    expect(() => verifyResults(out, 'argusEnsemble', corpus)).toThrow(/2 rows, its data file .* has 3/);
  });
});
