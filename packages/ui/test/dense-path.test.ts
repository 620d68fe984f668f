import { describe, expect, it } from 'vitest';
import { denseRuns } from '../src/dense-path.js';

// x: 10 samples a pixel (value = pixel * 10 + k); y: value to pixel one to one, flipped as a canvas is
const x = { origin: 0, offset: 100, scale: 0.1 };
const y = { origin: 0, offset: 500, scale: -1 };

describe('denseRuns', () => {
  it('draws each pixel column as its first, lowest, highest and last value', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i);
    // column 0: 5 … 9 with a dip to 1 and a peak of 20; column 1: flat 7; column 2: rising 0 → 9
    const ys = [5, 1, 20, 6, 6, 6, 6, 6, 6, 9, ...Array(10).fill(7), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    // rounded pixel columns: 100 (x 0–4), 101 (5–14), 102 (15–24), 103 (25–29)
    // (canvas y is flipped: the lowest pixel is the highest value)
    expect(denseRuns(xs, ys, 0, 29, x, y)).toEqual([
      [
        ...[100, 495, 100, 480, 100, 499, 100, 494],
        ...[101, 494, 101, 491, 101, 494, 101, 493],
        // first and lowest pixel are one: drawn once
        ...[102, 493, 102, 500, 102, 496],
        ...[103, 495, 103, 491, 103, 495, 103, 491],
      ],
    ]);
  });

  it('a null breaks the line into runs; the range given is all it reads', () => {
    const xs = [0, 10, 20, 30, 40, 50];
    const ys = [1, 2, null, 4, 5, 6];
    expect(denseRuns(xs, ys, 0, 5, x, y)).toEqual([
      [100, 499, 101, 498],
      [103, 496, 104, 495, 105, 494],
    ]);
    expect(denseRuns(xs, ys, 3, 4, x, y)).toEqual([[103, 496, 104, 495]]);
  });
});
