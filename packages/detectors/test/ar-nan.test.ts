import { describe, expect, it } from 'vitest';
import { arOptions, memberModel, pointOut } from '../src/index.js';
import { noise } from './helpers.js';

const STEP = 300_000;
const N = 6000;

// Regression: before ar restarted its least-squares fit when P lost positive definiteness, each of these series
// produced NaN scores from about sample 1500–3400 on (as two NAB files did). Each case here failed on that version.
const cases: [string, Record<string, unknown>, (i: number, r: () => number) => number][] = [
  [
    'constant 5, then a jump to 1000 (order 2, the ensemble default)',
    { order: 2 },
    (i) => (i < 2000 ? 5 : 1000),
  ],
  [
    'constant 5, then a jump to 1000 (order 4, forgetting 0.9999)',
    { order: 4, forgetting: 0.9999 },
    (i) => (i < 2000 ? 5 : 1000),
  ],
  [
    'tiny variance (1e-9), then a jump',
    { order: 2, forgetting: 0.9999 },
    (i, r) => (i < 2000 ? 5 : 1000) + 1e-9 * r(),
  ],
  ['0/1 steps every 500 samples, no forgetting', { order: 4, forgetting: 1 }, (i) => Math.floor(i / 500) % 2],
];

describe('ar: scores stay finite on pathological series', () => {
  for (const [name, options, shape] of cases) {
    it(name, () => {
      arOptions.parse(options); // the options themselves are valid
      const model = memberModel('ar', options);
      const out = pointOut();
      const r = noise(1);
      const bad: number[] = [];
      let scored = 0;
      for (let i = 0; i < N; i++) {
        const s = model.update(0, i * STEP, shape(i, r), out);
        if (!(Number.isFinite(s) && s >= 0 && s <= 1 && Number.isFinite(out.z))) bad.push(i);
        if (s > 0) scored++;
      }
      expect(bad).toEqual([]);
      expect(scored).toBeGreaterThan(0); // it still scores (the jump), not a model that went silent
    });
  }
});
