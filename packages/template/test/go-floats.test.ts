// Float formatting against Go 1.19's fmt: 238 values (ties such as 0.125 and 2.5, extremes, and random
// magnitudes from 1e-20 to 1e25) through %v, %.2f, %.4g, %e, %g, %.0f, %.3e, %10.3f and %.10g, as recorded
// from Go in fixtures/go-floats.json.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { sprintf } from '../src/index.js';

const { verbs, rows } = JSON.parse(
  readFileSync(new URL('./fixtures/go-floats.json', import.meta.url), 'utf8'),
) as {
  verbs: string[];
  rows: string[][];
};

it('formats every value with every verb as Go does', () => {
  const diffs: string[] = [];
  for (const [text, ...want] of rows) {
    const v = text === '-0' ? -0 : Number(text);
    verbs.forEach((verb, k) => {
      const got = sprintf(verb, [v]);
      if (got !== want[k]) diffs.push(`${verb} of ${text}: Go ${want[k]}, ours ${got}`);
    });
  }
  expect(rows.length).toBeGreaterThan(200);
  expect(diffs).toEqual([]);
});
