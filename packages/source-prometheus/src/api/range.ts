/** One `/api/v1/query_range` call: points at `start + k·step`, `end` inclusive. */
export interface RangeChunk {
  readonly startMs: number;
  readonly endMs: number;
}

/** Prometheus refuses a range query whose series would exceed this many points. */
export const MAX_POINTS_PER_SERIES = 11_000;

/**
 * Splits `[fromMs, toMs)` on the grid `fromMs + k·stepMs` into chunks of at most `maxPoints` points each.
 * Each chunk starts one step after the previous one ends, so joined results have no duplicate and no
 * missing grid point.
 */
export function planChunks(
  fromMs: number,
  toMs: number,
  stepMs: number,
  maxPoints: number = MAX_POINTS_PER_SERIES,
): RangeChunk[] {
  if (!(stepMs > 0) || !(toMs > fromMs)) return [];
  const points = Math.ceil((toMs - fromMs) / stepMs);
  const chunks: RangeChunk[] = [];
  for (let first = 0; first < points; first += maxPoints) {
    const last = Math.min(points, first + maxPoints) - 1;
    chunks.push({ startMs: fromMs + first * stepMs, endMs: fromMs + last * stepMs });
  }
  return chunks;
}
