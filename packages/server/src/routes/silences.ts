import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { matchersParam, matchesLabels } from '../matchers.js';
import { expireSilence, saveSilence } from '../silence-ops.js';

const tags = ['silences'];
const matchers = z
  .array(z.string().min(1).max(1000))
  .min(1, 'at least one matcher required')
  .max(64)
  .describe('Alertmanager matchers, e.g. alertname="HighCPU", instance=~"web-.*"');
const time = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .describe('ms since epoch or RFC 3339');
const ms = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));

const silenceBody = z
  .object({
    id: z.string().min(1).max(200).optional().describe('give an existing id to update that silence'),
    matchers,
    startsAt: time.optional(),
    endsAt: time,
    comment: z.string().min(1, 'is required').max(2000),
  })
  .strict();

/** Silences: list, create, update, expire, and a preview of what a matcher set would silence. */
export function silenceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/silences', {
    config: { access: 'read' },
    schema: { tags, summary: 'Every silence with its state' },
    handler: async () => ctx.am.silences(),
  });
  r.post('/api/silences', {
    config: { access: 'operate' },
    schema: { tags, summary: 'Create (or, with id, update) a silence', body: silenceBody },
    handler: async (req) => {
      const b = req.body;
      matchersParam(b.matchers, 'body.matchers');
      const id = saveSilence(ctx, req, {
        ...(b.id ? { id: b.id } : {}),
        matchers: b.matchers,
        ...(b.startsAt !== undefined ? { startsAt: ms(b.startsAt) } : {}),
        endsAt: ms(b.endsAt),
        createdBy: req.principal!.name,
        comment: b.comment,
      });
      return { id };
    },
  });
  r.delete('/api/silences/:id', {
    config: { access: 'operate' },
    schema: { tags, summary: 'Expire a silence', params: z.object({ id: z.string().min(1).max(200) }) },
    handler: async (req, reply) => {
      if (!expireSilence(ctx, req, reply, req.params.id)) return reply;
      return { expired: req.params.id };
    },
  });
  r.post('/api/silences/preview', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'The alerts a matcher set would silence now',
      body: z.object({ matchers }).strict(),
    },
    handler: async (req) => {
      const ms = matchersParam(req.body.matchers, 'body.matchers');
      return ctx.am.alerts().filter((a) => a.status.state !== 'resolved' && matchesLabels(ms, a.labels));
    },
  });
}
