// Turns the server's `GET /api/series` answer into uPlot's column data: one shared x axis (seconds), per series a
// value column and, where a detector reported its expected band, its upper and lower column (drawn by the chart
// reduced to pixel columns, not as uPlot series: see band-path.ts); plus a marker per finding. DOM-free so it is
// unit-tested in node.

export interface FindingRow {
  id: string;
  /** ms since epoch */
  timestamp: number;
  labels: Record<string, string>;
  value: number;
  score: number;
  kind: string;
  detector: string;
  explanation: string;
  expected?: { value: number; lower: number; upper: number };
}

/** One series as `GET /api/series` answers it: columns, null where there is no sample, score or band. */
export interface SeriesColumns {
  labels: Record<string, string>;
  timestamps: number[];
  values: (number | null)[];
  score: (number | null)[];
  expected: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  findings: FindingRow[];
}

export interface SeriesAnswer {
  from: number;
  to: number;
  truncated: boolean;
  series: SeriesColumns[];
}

export interface Marker {
  /** uPlot series index (1-based: 0 is x) of the value column the finding sits on. */
  series: number;
  /** Index into xs. */
  index: number;
  score: number;
  reason: string;
}

export interface BandColumnsOf {
  /** uPlot series index of the value column the band belongs to (its colour). */
  series: number;
  upper: (number | null)[];
  lower: (number | null)[];
}

export interface ChartData {
  /** Labels of uPlot's series after x: values, and for a series with a band its upper and lower bound. */
  names: string[];
  /** `trend`: a fitted line; `limit`: a flat threshold (the analysis page's trend charts). */
  role: ('value' | 'upper' | 'lower' | 'trend' | 'limit')[];
  /** [xs in seconds, ...ys] */
  columns: [number[], ...(number | null)[][]];
  /** uPlot bands: [upper, lower] series indexes (1-based); the trend charts' forecast band. */
  bands: [number, number][];
  /**
   * The expected band of a value series, on the same xs: not uPlot series (three times the series for uPlot to
   * handle) but drawn by the chart reduced to its pixel columns, one fill per band.
   */
  bandColumns: BandColumnsOf[];
  markers: Marker[];
  /** Samples that carry a band (the expected range is known there). */
  bandPoints: number;
}

export function toChartData(series: readonly SeriesColumns[]): ChartData {
  // series read from one store over one range usually share their timestamps: then the union is the first
  // series' own and every column is the server's own array (this path keeps 20 × 10k points inside a frame's budget)
  const first = series[0]?.timestamps ?? [];
  const shared = series.every((s) => sameTimes(s.timestamps, first));
  const xsMs = shared ? first : union(series);
  const index = shared ? undefined : new Map(xsMs.map((t, i) => [t, i]));
  const out: ChartData = {
    names: [],
    role: [],
    columns: [xsMs.map((t) => t / 1000)],
    bands: [],
    bandColumns: [],
    markers: [],
    bandPoints: 0,
  };
  const column = (src: (number | null)[], ts: number[]): (number | null)[] => {
    // shared times and nothing to clean (JSON carries no NaN or Infinity): the server's column as it came, no copy
    if (!index && src.length === xsMs.length && clean(src)) return src;
    const col: (number | null)[] = new Array(xsMs.length).fill(null);
    for (let i = 0; i < ts.length; i++) {
      const v = src[i];
      col[index ? index.get(ts[i]!)! : i] = v != null && Number.isFinite(v) ? v : null;
    }
    return col;
  };
  for (const s of series) {
    const name = seriesName(s.labels);
    out.names.push(name);
    out.role.push('value');
    out.columns.push(column(s.values, s.timestamps));
    const at = out.columns.length - 1;
    let withBand = 0;
    for (let i = 0; i < s.timestamps.length; i++) if (s.lower[i] != null && s.upper[i] != null) withBand++;
    if (withBand > 0) {
      out.bandColumns.push({
        series: at,
        upper: column(s.upper, s.timestamps),
        lower: column(s.lower, s.timestamps),
      });
      out.bandPoints += withBand;
    }
    for (const f of s.findings) {
      const i = nearest(xsMs, f.timestamp);
      if (i >= 0) out.markers.push({ series: at, index: i, score: f.score, reason: f.explanation });
    }
  }
  return out;
}

/** Whether every entry is a finite number or null. */
function clean(col: readonly (number | null)[]): boolean {
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v !== null && !Number.isFinite(v)) return false;
  }
  return true;
}

function sameTimes(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function union(series: readonly SeriesColumns[]): number[] {
  const times = new Set<number>();
  for (const s of series) for (const t of s.timestamps) times.add(t);
  return [...times].sort((a, b) => a - b);
}

/** The index of the x closest to t, or -1 when t is outside the range by more than one step. */
export function nearest(xs: readonly number[], t: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  const step = xs.length > 1 ? xs[1]! - xs[0]! : 0;
  const best = lo > 0 && t - xs[lo - 1]! < xs[lo]! - t ? lo - 1 : lo;
  return Math.abs(xs[best]! - t) <= step ? best : -1;
}

export function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const parts = Object.keys(rest)
    .sort()
    .map((k) => `${k}="${rest[k]}"`);
  return parts.length ? `${name}{${parts.join(', ')}}` : name || '{}';
}
