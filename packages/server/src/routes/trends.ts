// `GET /api/trends`: the trend detector's slope and forecast over a stored range, per series group, for the UI's
// analysis page ("will cross X within H"). It runs @argus/detectors' own trend model over the stored samples, so
// the numbers are the ones the trend detector computes, not a second implementation.
import { type Labels, labelsKey, parseMatchers } from '@argus/core';
import { pointOut, trendModel, trendOptions } from '@argus/detectors';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { badRequest } from '../matchers.js';

// the trend detector's largest window: a range is summarised as at most this many bucket means, then fitted whole
const MAX_BUCKETS = 256;
// the detector's smallest window
const MIN_SAMPLES = 4;
const HOUR_MS = 3_600_000;

const query = z
  .object({
    match: z.string().min(1).describe('PromQL series selector, e.g. disk_used_ratio{job="node"}'),
    from: z.coerce.number().optional().describe('ms since epoch, inclusive; default: a day before `to`'),
    to: z.coerce.number().optional().describe('ms since epoch, exclusive; default: now'),
    by: z
      .string()
      .optional()
      .describe(
        'label names that make a group, comma-separated (the group is their mean); default: each series',
      ),
    horizonMs: z.coerce
      .number()
      .int()
      .min(1000)
      .max(366 * 24 * HOUR_MS)
      .default(HOUR_MS)
      .describe('how far past the range to forecast: the H of "will cross X within H"'),
    above: z.coerce.number().optional().describe('the X of "will cross above X within H"'),
    below: z.coerce.number().optional().describe('the X of "will cross below X within H"'),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('most groups returned'),
  })
  .strict();

/** Where a group's trend is headed relative to a limit. */
export interface Crossing {
  threshold: number;
  direction: 'above' | 'below';
  /** When the fitted line reaches the limit, ms since epoch; null when it heads away (or is flat). */
  at: number | null;
  /** Whether `at` falls within the horizon after the range's last sample. */
  within: boolean;
  /** The trend detector's verdict: even the forecast band's near edge is past the limit at the horizon. */
  breach: boolean;
}

/** One group's trend: its samples (the mean of its series), the fitted line, the forecast and the crossings. */
export interface GroupTrend {
  labels: Labels;
  series: number;
  timestamps: number[];
  values: number[];
  /** Null with fewer than 4 samples (`reason` says so). */
  fit: {
    slopePerHour: number;
    /** The fitted line at the first and last sample. */
    start: { t: number; value: number };
    end: { t: number; value: number };
    forecast: { t: number; value: number; lower: number; upper: number };
    crossings: Crossing[];
  } | null;
  reason?: string;
}

type Stored = { labels: Labels; timestamps: Float64Array; values: Float64Array; stale: Uint8Array };

/** The mean of each group's series at each time (series of one store over one range mostly share times). */
function groups(found: readonly Stored[], by: string[] | undefined) {
  const out = new Map<string, { labels: Labels; series: number; sums: Map<number, [number, number]> }>();
  for (const s of found) {
    const labels = by
      ? Object.fromEntries(by.filter((k) => k in s.labels).map((k) => [k, s.labels[k]!]))
      : s.labels;
    const key = labelsKey(labels);
    let g = out.get(key);
    if (!g) out.set(key, (g = { labels, series: 0, sums: new Map() }));
    g.series++;
    for (let i = 0; i < s.timestamps.length; i++) {
      const v = s.values[i]!;
      if (s.stale[i] || !Number.isFinite(v)) continue;
      const acc = g.sums.get(s.timestamps[i]!) ?? [0, 0];
      acc[0] += v;
      acc[1]++;
      g.sums.set(s.timestamps[i]!, acc);
    }
  }
  return [...out.values()].map((g) => {
    const ts = [...g.sums.keys()].sort((a, b) => a - b);
    return {
      labels: g.labels,
      series: g.series,
      ts,
      vs: ts.map((t) => g.sums.get(t)![0] / g.sums.get(t)![1]),
    };
  });
}

/** At most MAX_BUCKETS equal-count buckets, each as its mean time and value. */
function buckets(ts: number[], vs: number[]): { t: number[]; v: number[] } {
  const n = Math.min(ts.length, MAX_BUCKETS);
  const t: number[] = [];
  const v: number[] = [];
  for (let b = 0; b < n; b++) {
    const lo = Math.floor((b * ts.length) / n);
    const hi = Math.floor(((b + 1) * ts.length) / n);
    let st = 0;
    let sv = 0;
    for (let i = lo; i < hi; i++) {
      st += ts[i]!;
      sv += vs[i]!;
    }
    t.push(st / (hi - lo));
    v.push(sv / (hi - lo));
  }
  return { t, v };
}

/**
 * Fits the trend model once over the bucket means (its window is all of them) and reads it twice: at the last
 * bucket (horizon 0) for the line, at the horizon for the forecast band and the detector's crossing verdict.
 */
function fitTrend(ts: number[], vs: number[], q: z.infer<typeof query>): GroupTrend['fit'] {
  const { t, v } = buckets(ts, vs);
  const read = (horizonMs: number) => {
    const opts = trendOptions.parse({
      windowSamples: t.length,
      refitSamples: t.length,
      horizonMs,
      crossAbove: q.above,
      crossBelow: q.below,
    });
    const model = trendModel(opts);
    const out = pointOut();
    for (let i = 0; i < t.length; i++) model.update(0, t[i]!, v[i]!, out);
    return out;
  };
  // the model forecasts from its last sample: read 1 ms ahead for the line now, and at the horizon
  const now = read(1);
  const ahead = read(q.horizonMs);
  const next = t[t.length - 1]! + 1;
  const slope = (ahead.expected - now.expected) / (q.horizonMs - 1); // per ms
  const at = (x: number) => now.expected + slope * (x - next);
  const end = ts[ts.length - 1]!;
  const crossing = (threshold: number, direction: 'above' | 'below'): Crossing => {
    const dt = slope === 0 ? Number.NaN : (threshold - at(end)) / slope;
    const when = Number.isFinite(dt) && dt >= 0 ? end + dt : null;
    const already = direction === 'above' ? at(end) >= threshold : at(end) <= threshold;
    return {
      threshold,
      direction,
      at: already ? end : when,
      within: already || (when !== null && when <= end + q.horizonMs),
      breach:
        ahead.kind === 'forecastBreach' &&
        ahead.score > 0 &&
        (direction === 'above' ? ahead.lower > threshold : ahead.upper < threshold),
    };
  };
  const crossings: Crossing[] = [];
  if (q.above !== undefined) crossings.push(crossing(q.above, 'above'));
  if (q.below !== undefined) crossings.push(crossing(q.below, 'below'));
  return {
    slopePerHour: slope * HOUR_MS,
    start: { t: ts[0]!, value: at(ts[0]!) },
    end: { t: end, value: at(end) },
    forecast: { t: end + q.horizonMs, value: at(end + q.horizonMs), lower: ahead.lower, upper: ahead.upper },
    crossings,
  };
}

/** `GET /api/trends` (RBAC: read). */
export function trendRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/trends', {
    config: { access: 'read' },
    schema: {
      tags: ['series'],
      summary:
        "The trend detector's slope and forecast per series group over a stored range, and whether it will cross a limit within the horizon",
      querystring: query,
    },
    handler: async (req, reply) => {
      const q = req.query;
      const store = ctx.o.store;
      if (!store)
        return reply.code(404).send({
          error: 'no_store',
          message: 'this server has no store: pass `store` to createArgusServer',
        });
      if (q.above !== undefined && q.below !== undefined && q.below >= q.above)
        throw badRequest('querystring.below', `must be less than above (${q.below} >= ${q.above})`);
      let matchers: ReturnType<typeof parseMatchers>;
      try {
        matchers = parseMatchers(q.match);
      } catch (err) {
        throw badRequest('querystring.match', (err as Error).message);
      }
      const to = q.to ?? ctx.clock.now();
      const from = q.from ?? to - 24 * HOUR_MS;
      if (from >= to) throw badRequest('querystring.from', `must be before to (${from} >= ${to})`);
      const by = q.by
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const all = groups(store.readSeries(matchers, from, to, 'avg'), by);
      const shown = all.slice(0, q.limit);
      return {
        from,
        to,
        horizonMs: q.horizonMs,
        truncated: all.length > shown.length,
        groups: shown.map((g): GroupTrend => {
          const base = { labels: g.labels, series: g.series, timestamps: g.ts, values: g.vs };
          return g.ts.length < MIN_SAMPLES
            ? {
                ...base,
                fit: null,
                reason: `${g.ts.length} samples in the range: the trend needs ${MIN_SAMPLES}`,
              }
            : { ...base, fit: fitTrend(g.ts, g.vs, q) };
        }),
      };
    },
  });
}
