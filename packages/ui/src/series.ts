// Turns a Prometheus query_range matrix into uPlot's column data: one shared x axis (seconds) and one y column
// per series, with null where a series has no sample at that time (uPlot draws a gap there).

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface Finding {
  /** ms since epoch */
  at: number;
  labels: Record<string, string>;
  reason?: string;
}

export interface ChartData {
  names: string[];
  /** [xs, ...ys] */
  columns: [number[], ...(number | null)[][]];
  /** Per series: indexes into xs where a finding for that series falls. */
  markers: number[][];
}

const sameSeries = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const ka = Object.keys(a).filter((k) => a[k] !== '');
  const kb = Object.keys(b).filter((k) => b[k] !== '');
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
};

export function toChartData(matrix: readonly MatrixSeries[], findings: readonly Finding[] = []): ChartData {
  const times = new Set<number>();
  for (const s of matrix) for (const [t] of s.values) times.add(t);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = matrix.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (const [t, v] of s.values) {
      const n = Number(v);
      // Prometheus sends NaN/±Inf as strings; uPlot cannot draw them
      col[index.get(t)!] = Number.isFinite(n) ? n : null;
    }
    return col;
  });
  const markers = matrix.map((s) => {
    const at: number[] = [];
    for (const f of findings) {
      if (!sameSeries(f.labels, s.metric) || xs.length === 0) continue;
      const i = nearest(xs, f.at / 1000);
      if (i >= 0 && !at.includes(i)) at.push(i);
    }
    return at.sort((a, b) => a - b);
  });
  return { names: matrix.map((s) => seriesName(s.metric)), columns: [xs, ...ys], markers };
}

/** The index of the x closest to t, or -1 when t is outside the range by more than one step. */
function nearest(xs: number[], t: number): number {
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
