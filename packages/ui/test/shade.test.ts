import { describe, expect, it } from 'vitest';
import { shadeRects } from '../src/shade.js';

// a plot area from x=100 for 1000 px showing 0 s … 1000 s: one pixel a second
const area = { left: 100, width: 1000 };
const toX = (s: number) => 100 + s;

describe('shadeRects', () => {
  it('maps each span (ms) to its pixels on the x axis (s)', () => {
    expect(
      shadeRects(
        [
          { from: 200_000, to: 350_000 },
          { from: 600_000, to: 601_000 + 4000 },
        ],
        area,
        toX,
      ),
    ).toEqual([
      { x0: 300, x1: 450 },
      { x0: 700, x1: 705 },
    ]);
  });

  it('clips spans to the plot area and leaves out those wholly outside it', () => {
    expect(
      shadeRects(
        [
          { from: -50_000, to: 20_000 },
          { from: 990_000, to: 1_500_000 },
          { from: -9_000_000, to: -1000 },
          { from: 1_200_000, to: 1_300_000 },
        ],
        area,
        toX,
      ),
    ).toEqual([
      { x0: 100, x1: 120 },
      { x0: 1090, x1: 1100 },
    ]);
  });

  it('widens a span too short to see about its middle, inside the area', () => {
    expect(shadeRects([{ from: 500_000, to: 500_000 }], area, toX, 4)).toEqual([{ x0: 598, x1: 602 }]);
    // at the right edge it grows leftwards, not out of the area
    expect(shadeRects([{ from: 1_000_000, to: 1_000_000 }], area, toX, 4)).toEqual([{ x0: 1096, x1: 1100 }]);
  });
});
