import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { matchersParam } from '../matchers.js';
import { expireSilence, saveSilence } from '../silence-ops.js';
import { gettableSilence, silenceMatchesFilter, sortSilences, textOfAmMatcher } from './convert.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const rfc3339 = z.iso.datetime({ offset: true, local: false }).describe('RFC 3339 time');
const many = z.union([z.string(), z.array(z.string())]).optional();
const tags = ['alertmanager v2'];

/** Alertmanager's matcher. */
const amMatcher = z.object({
  name: z.string().regex(LABEL_NAME, 'must be a label name'),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().default(true),
});

/** Alertmanager's postableSilence. */
const postableSilence = z.object({
  id: z.string().optional(),
  matchers: z.array(amMatcher).min(1, 'should have at least 1 items'),
  startsAt: rfc3339,
  endsAt: rfc3339,
  createdBy: z.string().min(1, 'is required'),
  comment: z.string().min(1, 'is required'),
});

/** `GET /api/v2/silences` query parameters. */
const silencesQuery = z.object({ filter: many });

/** A silence as Alertmanager lists it. */
const gettableSilenceSchema = z.object({
  id: z.string(),
  status: z.object({ state: z.enum(['expired', 'active', 'pending']) }),
  updatedAt: z.string(),
  matchers: z.array(amMatcher),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
});

/** Alertmanager's API v2 silences. */
export function amV2SilenceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v2/silences', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'List silences',
      querystring: silencesQuery,
      response: { 200: z.array(gettableSilenceSchema) },
    },
    handler: async (req) => {
      const filter = matchersParam(req.query.filter, 'querystring.filter');
      return sortSilences(ctx.am.silences().filter((s) => silenceMatchesFilter(s, filter))).map(
        gettableSilence,
      );
    },
  });
  r.post('/api/v2/silences', {
    config: { access: 'operate' },
    schema: { tags, summary: 'Create or update a silence', body: postableSilence },
    handler: async (req) => {
      const b = req.body;
      const id = saveSilence(ctx, req, {
        ...(b.id ? { id: b.id } : {}),
        matchers: b.matchers.map(textOfAmMatcher),
        startsAt: Date.parse(b.startsAt),
        endsAt: Date.parse(b.endsAt),
        createdBy: b.createdBy,
        comment: b.comment,
      });
      return { silenceID: id };
    },
  });
  const idParams = z.object({ id: z.string().min(1).max(200) });
  r.get('/api/v2/silence/:id', {
    config: { access: 'read' },
    schema: { tags, summary: 'One silence', params: idParams },
    handler: async (req, reply) => {
      const s = ctx.am.silences().find((x) => x.id === req.params.id);
      return s ? gettableSilence(s) : reply.code(404).send();
    },
  });
  r.delete('/api/v2/silence/:id', {
    config: { access: 'operate' },
    schema: { tags, summary: 'Expire a silence', params: idParams },
    handler: async (req, reply) => {
      if (!expireSilence(ctx, req, reply, req.params.id)) return reply;
      return reply.code(200).send();
    },
  });
}
