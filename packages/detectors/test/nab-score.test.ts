import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  NAB_NO_FLAG_THRESHOLD,
  NAB_PROFILES,
  type NabFile,
  type NabProfileName,
  normalizeNab,
  probationLength,
  rowValues,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  sweepThreshold,
} from '../src/index.js';

interface FixtureFile extends NabFile {
  readonly detector: string;
  readonly expected: Record<NabProfileName, { threshold: number; score: number }>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nab-fixture.json', import.meta.url), 'utf8')) as {
  files: FixtureFile[];
};
const profiles = Object.keys(NAB_PROFILES) as NabProfileName[];

describe('NAB scorer against NAB’s published per-file scores', () => {
  for (const f of fixture.files) {
    for (const p of profiles) {
      it(`${f.detector} ${f.name} ${p}`, () => {
        const e = f.expected[p];
        // The published CSV rounds to 12 significant digits.
        expect(scoreFile(f, NAB_PROFILES[p], e.threshold)).toBeCloseTo(e.score, 9);
      });
    }
  }
});

describe('NAB scorer building blocks', () => {
  it('scaled sigmoid matches the reference values and clamps past 3', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661429815143, 13);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.0000001)).toBe(-1);
  });

  it('probation is 15% of the rows, capped at 750', () => {
    expect(probationLength(1127)).toBe(169);
    expect(probationLength(22695)).toBe(750);
  });

  it('the first window row is worth A_TP and a far false positive costs A_FP', () => {
    const file: NabFile = { name: 'x', scores: new Float64Array(2000), windows: [[400, 499]] };
    const { values, window } = rowValues(file, NAB_PROFILES.standard);
    expect(values[400]).toBeCloseTo(1, 12);
    expect(values[499]).toBeGreaterThan(0);
    expect(values[499]).toBeLessThan(0.1);
    expect(values[350]).toBe(-0.11);
    expect(values[1999]).toBeCloseTo(-0.11, 6);
    expect(values[500]).toBeGreaterThan(-0.01);
    expect(window[10]).toBe(-2);
  });

  it('a file with no flagged row scores minus A_FN per window; normalisation maps null to 0, perfect to 100', () => {
    const file: NabFile = {
      name: 'x',
      scores: new Float64Array(2000),
      windows: [
        [400, 499],
        [900, 950],
      ],
    };
    expect(scoreFile(file, NAB_PROFILES.reward_low_FN_rate, 0.5)).toBe(-4);
    expect(normalizeNab(-4, NAB_PROFILES.reward_low_FN_rate, 2)).toBe(0);
    const perfect = new Float64Array(2000);
    perfect[400] = 1;
    perfect[900] = 1;
    const raw = scoreFile({ ...file, scores: perfect }, NAB_PROFILES.standard, 0.5);
    expect(normalizeNab(raw, NAB_PROFILES.standard, 2)).toBeCloseTo(100, 10);
  });
});

describe('threshold sweep', () => {
  const files = fixture.files.filter((f) => f.detector === 'numenta');
  for (const p of profiles) {
    it(`${p}: no candidate threshold beats the sweep's choice`, () => {
      const sweep = sweepThreshold(files, NAB_PROFILES[p]);
      expect(sweep.raw).toBeCloseTo(scoreCorpus(files, NAB_PROFILES[p], sweep.threshold), 12);
      const candidates = new Set<number>([NAB_NO_FLAG_THRESHOLD]);
      for (const f of files) {
        const start = probationLength(f.scores.length);
        for (let i = start; i < f.scores.length; i += 7) candidates.add(f.scores[i] as number);
      }
      for (const t of candidates) {
        expect(scoreCorpus(files, NAB_PROFILES[p], t)).toBeLessThanOrEqual(sweep.raw + 1e-9);
      }
    });
  }

  it('picks 1.1 (flag nothing) when every flag costs', () => {
    const scores = new Float64Array(1000).fill(0.5);
    const sweep = sweepThreshold([{ name: 'n', scores, windows: [] }], NAB_PROFILES.standard);
    expect(sweep.threshold).toBe(NAB_NO_FLAG_THRESHOLD);
    expect(sweep.raw).toBe(0);
  });
});
