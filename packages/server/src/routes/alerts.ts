import { type AlertView, HISTORY_EVENTS } from '@argus/alerting';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf } from '../auth/hook.js';
import type { ServerContext } from '../context.js';
import { matchersParam, matchesLabels } from '../matchers.js';

const tags = ['alerts'];
const many = z.union([z.string(), z.array(z.string())]).optional();
const fpParams = z.object({ fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') });

const listQuery = z
  .object({
    filter: many.describe('Alertmanager matchers, e.g. team="db"; all must match'),
    state: z.enum(['active', 'suppressed', 'resolved']).optional(),
    severity: many.describe('severity label values; any may match'),
  })
  .strict();

const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Alerts (filtered list, detail with history), acks, and the alert history. */
export function alertRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/alerts', {
    config: { access: 'read' },
    schema: { tags, summary: 'Alerts, filtered by matchers, state and severity', querystring: listQuery },
    handler: async (req) => {
      const filter = matchersParam(req.query.filter, 'querystring.filter');
      const severities = asList(req.query.severity);
      return ctx.am
        .alerts()
        .filter(
          (a: AlertView) =>
            (req.query.state === undefined || a.status.state === req.query.state) &&
            (severities.length === 0 || severities.includes(a.labels.severity ?? '')) &&
            matchesLabels(filter, a.labels),
        );
    },
  });
  r.get('/api/alerts/:fingerprint', {
    config: { access: 'read' },
    schema: { tags, summary: 'One alert with its history', params: fpParams },
    handler: async (req, reply) => {
      const alert = ctx.am.alerts().find((a) => a.fingerprint === req.params.fingerprint);
      if (!alert)
        return reply.code(404).send({ error: 'not_found', message: `no alert ${req.params.fingerprint}` });
      return { alert, history: ctx.am.history({ fingerprint: req.params.fingerprint, limit: 200 }) };
    },
  });
  r.post('/api/alerts/:fingerprint/ack', {
    config: { access: 'operate' },
    schema: {
      tags,
      summary: 'Acknowledge a firing alert (it stops repeating until it changes)',
      params: fpParams,
      body: z.object({ comment: z.string().max(1000).optional() }).strict(),
    },
    handler: async (req) => {
      const by = req.principal!.name;
      ctx.am.ack(req.params.fingerprint, by, req.body.comment);
      ctx.audit.add({
        actor: by,
        action: 'ack',
        from: clientOf(req),
        target: req.params.fingerprint,
        ...(req.body.comment ? { detail: req.body.comment } : {}),
      });
      return { acked: req.params.fingerprint };
    },
  });
  r.delete('/api/alerts/:fingerprint/ack', {
    config: { access: 'operate' },
    schema: { tags, summary: 'Remove an acknowledgement', params: fpParams },
    handler: async (req) => {
      ctx.am.unack(req.params.fingerprint);
      ctx.audit.add({
        actor: req.principal!.name,
        action: 'unack',
        from: clientOf(req),
        target: req.params.fingerprint,
      });
      return { unacked: req.params.fingerprint };
    },
  });
  r.get('/api/history', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'Alert history, newest first',
      querystring: z
        .object({
          fingerprint: z.string().optional(),
          alertname: z.string().optional(),
          event: z.union([z.enum(HISTORY_EVENTS), z.array(z.enum(HISTORY_EVENTS))]).optional(),
          since: z.coerce.number().optional().describe('ms since epoch, inclusive'),
          until: z.coerce.number().optional().describe('ms since epoch, exclusive'),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        })
        .strict(),
    },
    handler: async (req) => {
      const q = req.query;
      return ctx.am.history({
        limit: q.limit,
        ...(q.fingerprint ? { fingerprint: q.fingerprint } : {}),
        ...(q.alertname ? { alertname: q.alertname } : {}),
        ...(q.event ? { events: Array.isArray(q.event) ? q.event : [q.event] } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
        ...(q.until !== undefined ? { until: q.until } : {}),
      });
    },
  });
}
