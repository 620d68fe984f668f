import { describe, expect, it } from 'vitest';
import { bandExtent, bandRuns, indexRange } from '../src/band-path.js';

// x: 1 px per 10 units from 0; y: canvas pixels grow downwards (300 at 0, 1 px per unit up)
const X = { origin: 0, offset: 0, scale: 0.1 };
const Y = { origin: 0, offset: 300, scale: -1 };

describe('bandRuns', () => {
  it('keeps one column per pixel: its highest upper and lowest lower bound', () => {
    // samples 0, 4 and 6 share pixel column 0 or 1 (x rounds): 0 → 0, 4 → 0, 6 → 1, 20 → 2
    const xs = [0, 4, 6, 20];
    const runs = bandRuns(xs, [10, 12, 11, 15], [5, 3, 4, 6], 0, 3, X, Y);
    expect(runs).toEqual([[0, 288, 297, 1, 289, 296, 2, 285, 294]]);
  });

  it('breaks the band where a sample has none, and reads only i0..i1', () => {
    const xs = [0, 10, 20, 30, 40];
    const upper = [2, 2, null, 2, 2];
    const lower = [1, 1, 1, 1, 1];
    expect(bandRuns(xs, upper, lower, 0, 4, X, Y)).toEqual([
      [0, 298, 299, 1, 298, 299],
      [3, 298, 299, 4, 298, 299],
    ]);
    expect(bandRuns(xs, upper, lower, 3, 3, X, Y)).toEqual([[3, 298, 299]]);
    expect(bandRuns(xs, [null, null], [1, 1], 0, 1, X, Y)).toEqual([]);
  });

  it('covers every sample’s bounds: each column spans all its samples’ bands', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const upper = xs.map((i) => 50 + Math.sin(i / 7) * 20);
    const lower = upper.map((u, i) => u - 5 - (i % 13));
    const runs = bandRuns(xs, upper, lower, 0, n - 1, X, Y);
    expect(runs).toHaveLength(1);
    const cols = new Map<number, [number, number]>();
    for (let k = 0; k < runs[0]!.length; k += 3) cols.set(runs[0]![k]!, [runs[0]![k + 1]!, runs[0]![k + 2]!]);
    expect(cols.size).toBe(1001);
    for (let i = 0; i < n; i++) {
      const [top, bottom] = cols.get(Math.round(i * 0.1))!;
      expect(top).toBeLessThanOrEqual(300 - upper[i]!);
      expect(bottom).toBeGreaterThanOrEqual(300 - lower[i]!);
    }
  });
});

describe('bandExtent and indexRange', () => {
  it('finds the lowest lower and highest upper bound inside an index range', () => {
    const b = { upper: [5, null, 9, 7], lower: [1, 0, 2, -3] };
    expect(bandExtent([b], 0, 3)).toEqual([-3, 9]);
    expect(bandExtent([b], 0, 1)).toEqual([1, 5]);
    expect(bandExtent([b], 1, 1)).toBeNull();
    expect(bandExtent([], 0, 3)).toBeNull();
  });

  it('maps an x range to the indexes inside it', () => {
    const xs = [10, 20, 30, 40];
    expect(indexRange(xs, 10, 40)).toEqual([0, 3]);
    expect(indexRange(xs, 15, 35)).toEqual([1, 2]);
    expect(indexRange(xs, 20, 30)).toEqual([1, 2]);
    expect(indexRange(xs, 41, 50)).toEqual([4, 3]);
  });
});
