// Where a chart shades its spans (an alert's firing, a backtest's): each span as a rectangle's left and right edge in
// canvas pixels, clipped to the plot area. DOM-free (the plot's x map is passed in) so it is unit-tested in node.
import type { Interval } from './alert-series.js';

/** One shaded rectangle's horizontal extent, canvas pixels; it spans the plot area's full height. */
export interface ShadeRect {
  x0: number;
  x1: number;
}

/**
 * The rectangles to fill for `spans` (ms since epoch) on a plot whose area runs from `left` for `width` pixels,
 * `toX` mapping seconds since epoch (uPlot's x values) to canvas pixels. Spans wholly outside the area (or ending before they start) are left out;
 * a span too short to see gets `minWidth` pixels, so a one-evaluation firing still shows.
 */
export function shadeRects(
  spans: readonly Interval[],
  area: { left: number; width: number },
  toX: (seconds: number) => number,
  minWidth = 2,
): ShadeRect[] {
  const lo = area.left;
  const hi = area.left + area.width;
  const out: ShadeRect[] = [];
  for (const s of spans) {
    const a = toX(s.from / 1000);
    const b = toX(s.to / 1000);
    // touching the area's edge counts: a firing at the range's last evaluation ends there
    if (!(a <= hi && b >= lo && a <= b)) continue;
    let x0 = Math.max(lo, a);
    let x1 = Math.min(hi, b);
    if (x1 - x0 < minWidth) {
      // widen about the span's middle, kept inside the area
      const mid = (x0 + x1) / 2;
      x0 = Math.max(lo, Math.min(mid - minWidth / 2, hi - minWidth));
      x1 = x0 + minWidth;
    }
    out.push({ x0, x1 });
  }
  return out;
}
