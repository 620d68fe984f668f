// The numbers a trend report rests on, computed by Argus (never by the model): a least-squares line, the
// level of each half of the range, spread, and — given a limit — when the line reaches it.

/** One series over the report's range. */
export interface TrendStats {
  readonly points: number;
  readonly from: number;
  readonly to: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
  readonly stddev: number;
  /** Slope of the least-squares line, per hour. */
  readonly slopePerHour: number;
  /** The fitted line's change over the range, relative to the mean's magnitude (0.1 = 10 %); null when the mean is 0. */
  readonly relativeChange: number | null;
  readonly firstHalfMean: number;
  readonly secondHalfMean: number;
  /** Hours until the fitted line reaches `limit` from the end of the range; null when it moves away or is flat. */
  readonly hoursToLimit: number | null;
}

const HOUR_MS = 3_600_000;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Statistics of the finite points of one series; undefined when it has fewer than two. */
export function trendStats(
  timestamps: readonly number[],
  values: readonly number[],
  limit?: number,
): TrendStats | undefined {
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
    if (Number.isFinite(values[i]) && Number.isFinite(timestamps[i])) {
      t.push(timestamps[i]!);
      v.push(values[i]!);
    }
  }
  if (v.length < 2) return undefined;
  const mt = mean(t);
  const mv = mean(v);
  let sxy = 0;
  let sxx = 0;
  let ss = 0;
  for (let i = 0; i < v.length; i++) {
    sxy += (t[i]! - mt) * (v[i]! - mv);
    sxx += (t[i]! - mt) ** 2;
    ss += (v[i]! - mv) ** 2;
  }
  const slopeMs = sxx === 0 ? 0 : sxy / sxx;
  const from = t[0]!;
  const to = t[t.length - 1]!;
  const fittedEnd = mv + slopeMs * (to - mt);
  const half = Math.floor(v.length / 2);
  let hoursToLimit: number | null = null;
  if (limit !== undefined && slopeMs !== 0) {
    const ms = (limit - fittedEnd) / slopeMs;
    if (ms >= 0) hoursToLimit = ms / HOUR_MS;
  }
  return {
    points: v.length,
    from,
    to,
    mean: mv,
    min: v.reduce((a, b) => Math.min(a, b)),
    max: v.reduce((a, b) => Math.max(a, b)),
    last: v[v.length - 1]!,
    stddev: Math.sqrt(ss / v.length),
    slopePerHour: slopeMs * HOUR_MS,
    relativeChange: mv === 0 ? null : (slopeMs * (to - from)) / Math.abs(mv),
    firstHalfMean: mean(v.slice(0, half)),
    secondHalfMean: mean(v.slice(half)),
    hoursToLimit,
  };
}
