import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditAction } from '../audit.js';
import type { ServerContext } from '../context.js';

const tags = ['status'];
const ACTIONS = [
  'login',
  'loginFailed',
  'logout',
  'ack',
  'unack',
  'silence',
  'expireSilence',
  'tokenCreate',
  'tokenRevoke',
  'userPut',
  'userRemove',
  'reload',
  'reloadFailed',
  'postAlerts',
  'analysisStart',
  'analysisCancel',
  'analysisForget',
] as const satisfies readonly AuditAction[];

/** Pipeline and plugin health, the configuration in force (redacted) and the audit log. */
export function statusRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/health', {
    config: { access: 'read' },
    schema: { tags, summary: 'Pipeline and alert manager health' },
    handler: async () => {
      const stats = ctx.o.pipeline?.stats();
      return {
        pipeline: stats ? { state: stats.state, series: stats.series } : null,
        alertManager: {
          alerts: ctx.am.alerts().length,
          silences: ctx.am.silences().filter((s) => s.state !== 'expired').length,
          queued: ctx.am.queued(),
          deadLetters: ctx.am.deadLetters().length,
          listenerErrors: ctx.am.listenerErrors,
        },
        uptimeMs: ctx.clock.now() - ctx.startedAt,
        reloads: ctx.o.reloadStatus?.() ?? null,
      };
    },
  });
  r.get('/api/plugins', {
    config: { access: 'read' },
    schema: { tags, summary: 'Counters, latencies and the last error per plugin' },
    handler: async () => {
      const plugins = ctx.o.pipeline?.stats().plugins ?? {};
      // an error's message may quote a secret the server knows (a token in a URL, a password in a DSN)
      for (const s of Object.values(plugins))
        if (s.lastError) s.lastError = { ...s.lastError, message: ctx.redact.text(s.lastError.message) };
      return plugins;
    },
  });
  r.get('/api/config', {
    config: { access: 'admin' },
    schema: { tags, summary: 'The configuration in force, secrets redacted' },
    handler: async () => ({
      config: ctx.redact.value(ctx.o.config ?? null),
      alertmanager: ctx.o.alertmanagerYaml === undefined ? null : ctx.redact.yaml(ctx.o.alertmanagerYaml),
    }),
  });
  r.get('/api/audit', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'The audit log, newest first',
      querystring: z
        .object({
          actor: z.string().optional(),
          action: z.enum(ACTIONS).optional(),
          since: z.coerce.number().optional(),
          until: z.coerce.number().optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(100),
        })
        .strict(),
    },
    handler: async (req) => {
      const q = req.query;
      return ctx.audit.query({
        limit: q.limit,
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.since !== undefined ? { since: q.since } : {}),
        ...(q.until !== undefined ? { until: q.until } : {}),
      });
    },
  });
}
