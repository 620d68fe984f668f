// The expected band reduced to the chart's pixel columns before it is drawn. 20 series × 10k samples are about 10
// samples per pixel column; drawn as two uPlot series per band (upper and lower, filled between), the band tripled the
// series uPlot handles and its paths (`pnpm bench:ui`: 89–126 ms an update against 16–36 ms without it). Reduced, a
// band is one fill and two edges of one point per column each: per pixel column the highest upper bound and the
// lowest lower bound, which is the column the full-resolution fill covers. DOM-free: the Path2D is made in
// pages/plot.tsx.
import type { Axis } from './dense-path.js';

/**
 * Per run of samples with a band (a sample without one breaks the band, as uPlot's band fill breaks at a gap), flat
 * [x, top, bottom, …] canvas pixels, one triple per pixel column: x, the pixel of the column's highest upper bound
 * and of its lowest lower bound.
 */
export function bandRuns(
  xs: ArrayLike<number>,
  upper: ArrayLike<number | null | undefined>,
  lower: ArrayLike<number | null | undefined>,
  i0: number,
  i1: number,
  x: Axis,
  y: Axis,
): number[][] {
  const runs: number[][] = [];
  let run: number[] | null = null;
  let col = Number.NaN;
  let hi = 0;
  let lo = 0;
  const flush = (): void => {
    if (Number.isNaN(col)) return;
    run ??= runs[runs.push([]) - 1]!;
    run.push(col, y.offset + (hi - y.origin) * y.scale, y.offset + (lo - y.origin) * y.scale);
    col = Number.NaN;
  };
  for (let i = i0; i <= i1; i++) {
    const u = upper[i];
    const l = lower[i];
    if (u == null || l == null) {
      flush();
      run = null;
      continue;
    }
    const px = Math.round(x.offset + (xs[i]! - x.origin) * x.scale);
    if (px !== col) {
      flush();
      col = px;
      hi = u;
      lo = l;
    } else {
      if (u > hi) hi = u;
      if (l < lo) lo = l;
    }
  }
  flush();
  return runs;
}

/** The lowest lower and highest upper bound over samples i0..i1 (for the y scale), or null where there is none. */
export function bandExtent(
  bands: readonly { upper: ArrayLike<number | null>; lower: ArrayLike<number | null> }[],
  i0: number,
  i1: number,
): [number, number] | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const b of bands) {
    for (let i = i0; i <= i1; i++) {
      const u = b.upper[i];
      const l = b.lower[i];
      if (u == null || l == null) continue;
      if (u > max) max = u;
      if (l < min) min = l;
    }
  }
  return min <= max ? [min, max] : null;
}

/** The index range of xs (ascending) inside [lo, hi]; i0 > i1 when none is. */
export function indexRange(xs: ArrayLike<number>, lo: number, hi: number): [number, number] {
  const first = (t: number): number => {
    let a = 0;
    let b = xs.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (xs[m]! < t) a = m + 1;
      else b = m;
    }
    return a;
  };
  let i1 = first(hi);
  if (i1 < xs.length && xs[i1] === hi) i1++;
  return [first(lo), i1 - 1];
}
