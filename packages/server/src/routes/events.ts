import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import type { EventHub } from '../events.js';

const HEARTBEAT_MS = 15_000;

/** `GET /api/events`: Server-Sent Events with `Last-Event-ID` resume. */
export function eventRoutes(app: FastifyInstance, ctx: ServerContext, hub: EventHub): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/events', {
    config: { access: 'read' },
    schema: {
      tags: ['events'],
      summary:
        'Live findings, alert state changes, alert history, source health and analysis jobs (text/event-stream)',
      headers: z.object({ 'last-event-id': z.coerce.number().int().nonnegative().optional() }),
      querystring: z.object({ lastEventId: z.coerce.number().int().nonnegative().optional() }).strict(),
    },
    handler: async (req, reply) => {
      const lastId = req.headers['last-event-id'] ?? req.query.lastEventId;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      res.write('retry: 2000\n\n');
      const off = hub.subscribe(res, lastId);
      const beat = (): void => {
        if (!res.writableEnded && !res.destroyed) res.write(': keep-alive\n\n');
        timer = ctx.clock.setTimeout(beat, HEARTBEAT_MS);
      };
      let timer = ctx.clock.setTimeout(beat, HEARTBEAT_MS);
      res.once('close', () => {
        off();
        ctx.clock.clearTimeout(timer);
      });
    },
  });
}
