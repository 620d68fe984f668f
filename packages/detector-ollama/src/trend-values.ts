// What a trend report sends of one series' statistics, by the `values` mode. The report returned to the caller
// always carries Argus's raw numbers; only the copy that leaves the process changes. `relative` scales every
// magnitude by the series' own level (the magnitude of its mean), so ratios and shapes go out but the level does
// not; `omit` sends no magnitude at all, only the direction of the fitted line and how the halves compare.
import type { ValueMode } from './render.js';
import type { TrendStats } from './trend-stats.js';

const HOUR_MS = 3_600_000;

/** Rounds to `digits` significant digits: what the model needs, in fewer tokens. */
export function sig(x: number | null, digits = 4): number | null {
  return x === null || x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}

const sign = (x: number): 'positive' | 'negative' | 'zero' =>
  x > 0 ? 'positive' : x < 0 ? 'negative' : 'zero';

/** A note telling the model how to read a trend report's numbers; undefined in `raw` mode. */
export function trendValuesNote(mode: ValueMode): string | undefined {
  if (mode === 'relative')
    return 'magnitudes are relative: each series divided by the magnitude of its own mean (so mean is 1 or -1), slope_per_hour as a fraction of that mean per hour, capacity_limit likewise; a series whose mean is 0 has no magnitudes';
  if (mode === 'omit')
    return 'numeric values withheld by configuration: only the sign of each fitted slope, how the second half compares with the first, and whether the line heads to the capacity limit';
  return undefined;
}

/** The statistics of one series as sent in `mode`; `limit` is the group's capacity limit, if any. */
export function trendStatsOut(
  mode: ValueMode,
  st: TrendStats,
  limit: number | undefined,
): Record<string, unknown> {
  const shape = { points: st.points, hours: sig((st.to - st.from) / HOUR_MS) };
  if (mode === 'raw')
    return {
      ...shape,
      mean: sig(st.mean),
      min: sig(st.min),
      max: sig(st.max),
      last: sig(st.last),
      stddev: sig(st.stddev),
      slope_per_hour: sig(st.slopePerHour),
      relative_change: sig(st.relativeChange),
      first_half_mean: sig(st.firstHalfMean),
      second_half_mean: sig(st.secondHalfMean),
      hours_to_limit: sig(st.hoursToLimit),
    };
  const level = Math.abs(st.mean);
  if (mode === 'relative' && level !== 0 && Number.isFinite(level)) {
    const rel = (x: number): number | null => sig(x / level, 3);
    return {
      ...shape,
      mean: rel(st.mean),
      min: rel(st.min),
      max: rel(st.max),
      last: rel(st.last),
      stddev: rel(st.stddev),
      slope_per_hour: rel(st.slopePerHour),
      relative_change: sig(st.relativeChange, 3),
      first_half_mean: rel(st.firstHalfMean),
      second_half_mean: rel(st.secondHalfMean),
      // a time, unchanged when the series and its limit are scaled together: no magnitude in it
      ...(limit === undefined ? {} : { capacity_limit: rel(limit), hours_to_limit: sig(st.hoursToLimit) }),
    };
  }
  // omit, or relative with no level to scale by
  return {
    ...shape,
    slope: sign(st.slopePerHour),
    second_half_vs_first: sign(st.secondHalfMean - st.firstHalfMean),
    ...(limit === undefined ? {} : { heads_to_limit: st.hoursToLimit !== null }),
  };
}
