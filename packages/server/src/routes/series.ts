import { type FindingKind, type LabelMatcher, type Labels, labelsKey, parseMatchers } from '@argus/core';
import type { StoredFinding } from '@argus/store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { badRequest } from '../matchers.js';

const tags = ['series'];
const HOUR_MS = 3_600_000;
// a record, not a list: the compiler insists on every kind core defines, so a new kind cannot be missed here
const KIND_SET: Record<FindingKind, true> = {
  spike: true,
  dip: true,
  levelShift: true,
  trend: true,
  seasonalDeviation: true,
  forecastBreach: true,
  flatline: true,
  missing: true,
};
const FINDING_KINDS = Object.keys(KIND_SET) as [FindingKind, ...FindingKind[]];

const range = {
  from: z.coerce.number().optional().describe('ms since epoch, inclusive; default: an hour before `to`'),
  to: z.coerce.number().optional().describe('ms since epoch, exclusive; default: now'),
};

/** A PromQL series selector from a query parameter, or a 400 naming it. */
export function selector(text: string | undefined, field: string): LabelMatcher[] {
  if (text === undefined) return [];
  try {
    return parseMatchers(text);
  } catch (err) {
    throw badRequest(field, (err as Error).message);
  }
}

/** Answers 404 `no_store`: the routes over stored series need the server's store. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({
    error: 'no_store',
    message: 'this server has no store: pass `store` to createArgusServer',
  });
}

/** The request's [from, to): `to` defaults to now, `from` to an hour before it. */
export function window(ctx: ServerContext, q: { from?: number; to?: number }): { from: number; to: number } {
  const to = q.to ?? ctx.clock.now();
  const from = q.from ?? to - HOUR_MS;
  if (from >= to) throw badRequest('querystring.from', `must be before to (${from} >= ${to})`);
  return { from, to };
}

/** One series over a range as columns (uPlot's shape): null where there is no sample, score or band. */
interface SeriesColumns {
  labels: Labels;
  timestamps: number[];
  values: (number | null)[];
  score: (number | null)[];
  expected: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  findings: StoredFinding[];
}

/** Lays a series' findings over its samples: each sample gets the highest score found at its time and that band. */
function columns(
  s: { labels: Labels; timestamps: Float64Array; values: Float64Array; stale: Uint8Array },
  findings: readonly StoredFinding[],
): SeriesColumns {
  const n = s.timestamps.length;
  const out: SeriesColumns = {
    labels: s.labels,
    timestamps: Array.from(s.timestamps),
    values: Array.from(s.values, (v, i) => (s.stale[i] || !Number.isFinite(v) ? null : v)),
    score: new Array(n).fill(null),
    expected: new Array(n).fill(null),
    lower: new Array(n).fill(null),
    upper: new Array(n).fill(null),
    findings: [...findings],
  };
  const at = new Map(out.timestamps.map((t, i) => [t, i]));
  for (const f of findings) {
    const i = at.get(f.timestamp);
    if (i === undefined || (out.score[i] ?? -1) >= f.score) continue;
    out.score[i] = f.score;
    out.expected[i] = f.expected?.value ?? null;
    out.lower[i] = f.expected?.lower ?? null;
    out.upper[i] = f.expected?.upper ?? null;
  }
  return out;
}

/** `GET /api/series` (values with anomaly score and expected band) and `GET /api/findings`. */
export function seriesRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/series', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'Values of matching series over a range, with anomaly score and expected band per sample',
      querystring: z
        .object({
          match: z.string().min(1).describe('PromQL series selector, e.g. http_latency_ms{job="api"}'),
          ...range,
          limit: z.coerce.number().int().min(1).max(1000).default(50).describe('most series returned'),
        })
        .strict(),
    },
    handler: async (req, reply) => {
      const store = ctx.o.store;
      if (!store) return noStore(reply);
      const matchers = selector(req.query.match, 'querystring.match');
      const { from, to } = window(ctx, req.query);
      const found = store.readSeries(matchers, from, to, 'avg');
      const shown = found.slice(0, req.query.limit);
      const bySeries = new Map<string, StoredFinding[]>();
      for (const f of ctx.findings.query({ from, to, matchers })) {
        const k = labelsKey(f.labels);
        bySeries.set(k, [...(bySeries.get(k) ?? []), f]);
      }
      return {
        from,
        to,
        truncated: found.length > shown.length,
        series: shown.map((s) => columns(s, bySeries.get(labelsKey(s.labels)) ?? [])),
      };
    },
  });
  r.get('/api/findings', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'Detector findings over a range, newest first',
      querystring: z
        .object({
          match: z.string().min(1).optional().describe('PromQL series selector; default: every series'),
          ...range,
          detector: z.string().optional(),
          kind: z.union([z.enum(FINDING_KINDS), z.array(z.enum(FINDING_KINDS))]).optional(),
          minScore: z.coerce.number().min(0).max(1).default(0),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        })
        .strict(),
    },
    handler: async (req) => {
      const q = req.query;
      const matchers = selector(q.match, 'querystring.match');
      const kinds = q.kind === undefined ? undefined : new Set<string>([q.kind].flat());
      return ctx.findings
        .query({ ...window(ctx, q), matchers })
        .filter(
          (f) =>
            f.score >= q.minScore &&
            (q.detector === undefined || f.detector === q.detector) &&
            (kinds === undefined || kinds.has(f.kind)),
        )
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, q.limit);
    },
  });
}
