// `GET /api/series/band`: the expected band of a configured detector at every sample of the series a selector picks,
// for the UI's series and alert pages. A fresh model of the detector is replayed over the stored history (the range
// and a warm-up before it), so the live detector's state is never read or disturbed.
import { detectorModel } from '@argus/detectors';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BandCache, replayBand } from '../band-replay.js';
import type { ServerContext } from '../context.js';
import { configuredDetectors } from '../jobs/detectors.js';
import { badRequest } from '../matchers.js';
import { noStore, selector, window } from './series.js';

const HOUR_MS = 3_600_000;

const query = z
  .object({
    match: z.string().min(1).describe('PromQL series selector, e.g. http_latency_ms{job="api"}'),
    from: z.coerce
      .number()
      .optional()
      .describe('start of the shown range, ms since epoch; default: an hour before `to`'),
    to: z.coerce
      .number()
      .optional()
      .describe('end of the shown range, ms since epoch (exclusive); default: now'),
    detector: z
      .string()
      .optional()
      .describe('the configured detector to replay, by its `use` name; default: the first configured one'),
    lookbackMs: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * HOUR_MS)
      .default(6 * HOUR_MS)
      .describe('history before `from` replayed first to warm the detector up (ms)'),
    maxSamples: z.coerce
      .number()
      .int()
      .min(1)
      .max(2_000_000)
      .default(200_000)
      .describe(
        'most samples replayed over all series; each keeps its latest share (the warm-up is cut first)',
      ),
    timeoutMs: z.coerce
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(10_000)
      .describe('the replay stops with 503 after this long'),
    limit: z.coerce.number().int().min(1).max(50).default(20).describe('most series returned'),
  })
  .strict();

/** `GET /api/series/band`. */
export function bandRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // each series' replay state per detector configuration: the UI asks again every 10 s over a range that has moved
  // by 10 s, so a refresh replays only the samples that came in since (about 0.8–1.1 s of CPU for 20 × 10k afresh)
  const cache = new BandCache();
  r.get('/api/series/band', {
    config: { access: 'read' },
    schema: {
      tags: ['series'],
      summary:
        "A configured detector's expected value and band at every sample of matching series, replayed over stored history",
      querystring: query,
    },
    handler: async (req, reply) => {
      const store = ctx.o.store;
      if (!store) return noStore(reply);
      const q = req.query;
      const matchers = selector(q.match, 'querystring.match');
      const { from, to } = window(ctx, q);
      const { entries } = configuredDetectors(ctx.o.config);
      const entry = q.detector === undefined ? entries[0] : entries.find((e) => e.use === q.detector);
      if (!entry) {
        if (q.detector !== undefined)
          throw badRequest(
            'querystring.detector',
            `no configured detector is ${JSON.stringify(q.detector)}; configured: ${entries.map((e) => e.use).join(', ') || 'none'}`,
          );
        return reply.code(404).send({
          error: 'no_detectors',
          message:
            'the configuration in force has no built-in detector to replay: add one under `detectors:` (e.g. `use: ensemble`)',
        });
      }
      const model = detectorModel(entry.use, entry.options ?? {});
      if (!model) throw badRequest('querystring.detector', `${entry.use} cannot be replayed`);
      const warmupFrom = from - q.lookbackMs;
      const found = store.readSeries(matchers, warmupFrom, to, 'avg');
      const shown = found.slice(0, q.limit);
      // the replay stops when the client goes away (the UI moved on) or the deadline passes
      const gone = new AbortController();
      const onClose = (): void => {
        if (!reply.raw.writableEnded) gone.abort(new Error('client closed the request'));
      };
      reply.raw.once('close', onClose);
      const timeout = AbortSignal.timeout(q.timeoutMs);
      try {
        const band = await replayBand(shown, model, {
          from,
          maxSamples: q.maxSamples,
          signal: AbortSignal.any([gone.signal, timeout]),
          cache,
          cacheKey: `${entry.use}\n${JSON.stringify(entry.options ?? {})}`,
          maxExtraWarmupMs: q.lookbackMs,
        });
        return {
          from,
          to,
          warmupFrom,
          detector: entry.use,
          replayed: band.replayed,
          clipped: band.clipped,
          truncated: found.length > shown.length,
          series: band.series,
        };
      } catch (err) {
        if (!timeout.aborted) throw err;
        return reply.code(503).send({
          error: 'band_timeout',
          message: `replaying ${entry.use} took over ${q.timeoutMs} ms: narrow the range, lookbackMs or maxSamples`,
        });
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  });
}
