// The continuous expected band: `GET /api/series/band` replays a configured detector over the stored history and
// says what it expected at every sample. Findings carry the band only where a detector reported something; this
// fills the rest, so a normal stretch of a series is drawn inside its band too. DOM-free so it is unit-tested in node.
import { api } from './api.js';
import { type SeriesAnswer, type SeriesColumns, seriesName } from './series.js';

/** One series' band as `GET /api/series/band` answers it: times ascending, null where the detector has none. */
export interface BandColumns {
  labels: Record<string, string>;
  timestamps: number[];
  expected: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}

export interface BandAnswer {
  from: number;
  to: number;
  /** The configured detector replayed. */
  detector: string;
  replayed: number;
  /** The sample cap cut some history short. */
  clipped: boolean;
  series: BandColumns[];
}

/**
 * The series answer with each sample's band taken from the replay where no finding gave one (a finding's band is
 * the live detector's own verdict, so it stays). Series and samples are matched by labels and time; both lists are
 * in time order, so each series is one merge pass. Returns new series objects; the answer itself is not changed.
 */
export function withBand(answer: SeriesAnswer, band: BandAnswer | null): SeriesAnswer {
  if (!band || band.series.length === 0) return answer;
  const byName = new Map(band.series.map((b) => [seriesName(b.labels), b]));
  return { ...answer, series: answer.series.map((s) => fill(s, byName.get(seriesName(s.labels)))) };
}

function fill(s: SeriesColumns, b: BandColumns | undefined): SeriesColumns {
  if (!b || b.timestamps.length === 0) return s;
  const expected = s.expected.slice();
  const lower = s.lower.slice();
  const upper = s.upper.slice();
  let j = 0;
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    while (j < b.timestamps.length && b.timestamps[j]! < t) j++;
    if (j === b.timestamps.length) break;
    if (b.timestamps[j] !== t || (lower[i] != null && upper[i] != null)) continue;
    const lo = b.lower[j];
    const hi = b.upper[j];
    if (lo == null || hi == null) continue;
    expected[i] = b.expected[j] ?? null;
    lower[i] = lo;
    upper[i] = hi;
  }
  return { ...s, expected, lower, upper };
}

/** What the band request said, for the line under a chart: the detector replayed, or why there is no band. */
export type BandNote =
  | { detector: string; clipped: boolean }
  | { error: string }
  /** A PromQL expression's values are computed, not stored: no detector saw them. */
  | { expression: true };

/**
 * `GET /api/series` and, alongside, `GET /api/series/band` for the same selector and range; the band is optional
 * (no detector configured, a replay past its deadline): then it is null and the note says why. Not merged here:
 * the caller merges with {@link withBand} after marking the update's start, so the merge counts as the update's
 * main-thread work (`pnpm bench:ui`).
 */
export async function seriesWithBand(
  q: URLSearchParams,
): Promise<{ answer: SeriesAnswer; band: BandAnswer | null; note: BandNote }> {
  const [answer, band] = await Promise.all([
    api.get<SeriesAnswer>(`api/series?${q}`),
    api.get<BandAnswer>(`api/series/band?${q}`).catch((e: Error) => ({ error: e.message })),
  ]);
  if ('error' in band) return { answer, band: null, note: band };
  return { answer, band, note: { detector: band.detector, clipped: band.clipped } };
}
