// A faster line for dense series (many more samples than pixels across, as 20 series × 10k points on a laptop
// screen): each pixel column is drawn as its first, lowest, highest and last value — what uPlot's own linear path
// draws there too — but found in one tight loop of plain arithmetic, where uPlot's builder calls through several
// closures per sample (its cost was most of a 20 × 10k update in `pnpm bench:ui`'s profile). DOM-free: the
// Path2D is made in pages/plot.tsx.
/** Below this many samples per pixel column, uPlot's own linear path is used (it draws every sample). */
export const DENSE_PER_PX = 4;

/** The affine map from a value to a canvas pixel: `px = offset + (v - origin) * scale`. */
export interface Axis {
  origin: number;
  offset: number;
  scale: number;
}

/**
 * The polyline to draw, as flat [x, y, …] canvas pixels per run of samples (a null sample breaks the line: the
 * next run starts with a move, not a line). Per pixel column: first, min, max, last.
 */
export function denseRuns(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  i0: number,
  i1: number,
  x: Axis,
  y: Axis,
): number[][] {
  const runs: number[][] = [];
  let run: number[] | null = null;
  let col = Number.NaN;
  let first = 0;
  let lo = 0;
  let hi = 0;
  let last = 0;
  const flush = (): void => {
    if (Number.isNaN(col)) return;
    run ??= runs[runs.push([]) - 1]!;
    run.push(col, first);
    if (lo !== first) run.push(col, lo);
    if (hi !== lo) run.push(col, hi);
    if (last !== hi) run.push(col, last);
    col = Number.NaN;
  };
  for (let i = i0; i <= i1; i++) {
    const v = ys[i];
    if (v == null) {
      flush();
      run = null;
      continue;
    }
    const px = Math.round(x.offset + (xs[i]! - x.origin) * x.scale);
    const py = y.offset + (v - y.origin) * y.scale;
    if (px !== col) {
      flush();
      col = px;
      first = lo = hi = last = py;
    } else {
      if (py < lo) lo = py;
      if (py > hi) hi = py;
      last = py;
    }
  }
  flush();
  return runs;
}
