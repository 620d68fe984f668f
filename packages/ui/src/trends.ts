// Turns `GET /api/trends`' answer for one series group into the chart's columns: the group's values, the trend
// detector's fitted line carried on to the forecast, the forecast band over the horizon, each limit as a flat line
// and a dot where the line crosses a limit within the horizon; plus the sentence that says it. DOM-free.
import type { ChartData, Marker } from './series.js';

export interface Crossing {
  threshold: number;
  direction: 'above' | 'below';
  at: number | null;
  within: boolean;
  breach: boolean;
}

export interface GroupTrend {
  labels: Record<string, string>;
  series: number;
  timestamps: number[];
  values: number[];
  fit: {
    slopePerHour: number;
    start: { t: number; value: number };
    end: { t: number; value: number };
    forecast: { t: number; value: number; lower: number; upper: number };
    crossings: Crossing[];
  } | null;
  reason?: string;
}

export interface TrendsAnswer {
  from: number;
  to: number;
  horizonMs: number;
  truncated: boolean;
  groups: GroupTrend[];
}

/** The chart of one group (uPlot columns, x in seconds). Without a fit: its values alone. */
export function trendChart(g: GroupTrend, name: string): ChartData {
  const fit = g.fit;
  const extra = fit
    ? [
        fit.forecast.t,
        ...fit.crossings.filter((c) => c.within && c.at !== null && c.at > fit.end.t).map((c) => c.at!),
      ]
    : [];
  const xsMs = [...new Set([...g.timestamps, ...extra])].sort((a, b) => a - b);
  const at = new Map(g.timestamps.map((t, i) => [t, g.values[i]!]));
  const out: ChartData = {
    names: [name],
    role: ['value'],
    columns: [xsMs.map((t) => t / 1000), xsMs.map((t) => at.get(t) ?? null)],
    bands: [],
    markers: [],
    bandColumns: [],
    bandPoints: 0,
  };
  if (!fit) return out;
  const slopePerMs = fit.slopePerHour / 3_600_000;
  const line = (t: number) => fit.end.value + slopePerMs * (t - fit.end.t);
  out.names.push(`${name} trend`);
  out.role.push('trend');
  out.columns.push(xsMs.map(line));
  const trendAt = out.columns.length - 1;
  // the forecast band: from the last sample (the line ± the band's half-width) to the horizon
  const half = (fit.forecast.upper - fit.forecast.lower) / 2;
  const inForecast = (t: number) => t >= fit.end.t && t <= fit.forecast.t;
  out.names.push(`${name} forecast upper`, `${name} forecast lower`);
  out.role.push('upper', 'lower');
  out.columns.push(
    xsMs.map((t) => (inForecast(t) ? line(t) + half : null)),
    xsMs.map((t) => (inForecast(t) ? line(t) - half : null)),
  );
  out.bands.push([trendAt + 1, trendAt + 2]);
  out.bandPoints = xsMs.filter(inForecast).length;
  for (const c of fit.crossings) {
    out.names.push(`${c.direction} ${c.threshold}`);
    out.role.push('limit');
    out.columns.push(xsMs.map(() => c.threshold));
    if (c.within && c.at !== null) out.markers.push(crossingMarker(c, xsMs, trendAt));
  }
  return out;
}

function crossingMarker(c: Crossing, xsMs: number[], series: number): Marker {
  return {
    series,
    index: xsMs.indexOf(c.at!) >= 0 ? xsMs.indexOf(c.at!) : xsMs.length - 1,
    score: 1,
    reason: `the trend reaches ${c.threshold} at ${new Date(c.at!).toISOString()}`,
  };
}

/** "rising 0.3/h; will cross above 0.9 within 1 h (in 20 min), the detector's band too". */
export function trendSentence(g: GroupTrend, horizonMs: number): string {
  const fit = g.fit;
  if (!fit) return g.reason ?? 'no trend';
  const s = fit.slopePerHour;
  const way = Math.abs(s) < 1e-12 ? 'flat' : s > 0 ? 'rising' : 'falling';
  const parts = [`${way} ${num(s)}/h`];
  for (const c of fit.crossings) {
    const limit = `${c.direction} ${c.threshold}`;
    if (!c.within) parts.push(`will not cross ${limit} within ${span(horizonMs)}`);
    else {
      const wait = c.at! - fit.end.t;
      const band = c.breach ? ', its whole forecast band too' : '';
      parts.push(
        wait <= 0
          ? `already ${limit}`
          : `will cross ${limit} within ${span(horizonMs)} (in ${span(wait)}${band})`,
      );
    }
  }
  return parts.join('; ');
}

/** 3 significant digits, as a person reads a slope. */
const num = (v: number): string => (Math.abs(v) < 1e-12 ? '0' : Number(v.toPrecision(3)).toString());

/** A duration in the largest unit that fits: 45 s, 20 min, 1.5 h, 2 d. */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const h = s / 3600;
  if (s < 172_800) return `${h < 10 ? Number(h.toFixed(1)) : Math.round(h)} h`;
  return `${Math.round(s / 86_400)} d`;
}
