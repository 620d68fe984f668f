import { describe, expect, it } from 'vitest';
import { formatFloat } from '../src/engine/format.js';

describe('formatFloat (Go strconv.FormatFloat(v, f, -1, 64), count_values label text)', () => {
  it.each([
    [1, '1'],
    [0.1, '0.1'],
    [-0, '-0'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e22, '-25000000000000000000000'],
    [1.2345e25, '12345000000000000000000000'],
    [Infinity, '+Inf'],
    [Number.NaN, 'NaN'],
  ])('%s → %s', (v, text) => {
    expect(formatFloat(v)).toBe(text);
  });
});
