import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM benchmark module without types
import { writeResults } from '../../../bench/nab/csv.mjs';

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
});
