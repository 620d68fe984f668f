import type { FastifyInstance } from 'fastify';
import { clientOf } from '../auth/hook.js';
import type { ServerContext } from '../context.js';
import type { ReloadStatus } from '../options.js';

const tags = ['operations'];

/** `/-/healthy`, `/-/ready` and `/-/reload`, as Prometheus and Alertmanager have them. */
export function opsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/-/healthy',
    { config: { access: 'public' }, schema: { tags, summary: 'The process is up' } },
    async (_req, reply) => reply.type('text/plain').send('Argus is Healthy.\n'),
  );
  app.get(
    '/-/ready',
    { config: { access: 'public' }, schema: { tags, summary: 'Ready to serve' } },
    async (_req, reply) => {
      const state = ctx.o.pipeline?.status ?? 'running';
      const ready = state === 'running' && (ctx.o.ready?.() ?? true);
      return reply
        .code(ready ? 200 : 503)
        .type('text/plain')
        .send(ready ? 'Argus is Ready.\n' : `Argus is not ready (pipeline ${state}).\n`);
    },
  );
  app.get(
    '/metrics',
    {
      // public by default, as Prometheus and Alertmanager serve their own; `metricsAuth: 'read'` asks for a viewer
      config: { access: ctx.o.metricsAuth ?? 'public' },
      schema: {
        tags,
        summary:
          "Argus's own metrics, Prometheus text: HTTP requests, auth failures, plugins, sources, alerts, jobs, reloads",
      },
    },
    async (_req, reply) =>
      reply
        .type(ctx.metrics.registry.contentType)
        .send((await ctx.metrics.text()) + reloadMetrics(ctx.o.reloadStatus?.())),
  );
  app.post(
    '/-/reload',
    { config: { access: 'admin' }, schema: { tags, summary: 'Reload the configuration' } },
    async (req, reply) => {
      if (!ctx.o.reload)
        return reply
          .code(501)
          .send({ error: 'not_supported', message: 'this server was started without a reload function' });
      try {
        await ctx.o.reload();
      } catch (err) {
        const message = ctx.redact.text((err as Error).message);
        ctx.audit.add({
          actor: req.principal!.name,
          action: 'reloadFailed',
          from: clientOf(req),
          detail: message,
        });
        // the running configuration stays in force
        return reply
          .code(400)
          .send({ error: 'reload_failed', message: `configuration not reloaded: ${message}` });
      }
      ctx.audit.add({ actor: req.principal!.name, action: 'reload', from: clientOf(req) });
      return reply.code(200).send({ status: 'reloaded' });
    },
  );
}

/** The reload counters under the names Prometheus gives its own (`prometheus_config_*`), as `argus_config_*`. */
export function reloadMetrics(s: ReloadStatus | undefined): string {
  if (!s) return '';
  const m = (name: string, type: string, help: string, v: number): string =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${v}\n`;
  return (
    m(
      'argus_config_last_reload_successful',
      'gauge',
      'Whether the last configuration reload succeeded.',
      s.lastSuccessful ? 1 : 0,
    ) +
    m(
      'argus_config_last_reload_success_timestamp_seconds',
      'gauge',
      'When the configuration in force was loaded.',
      s.lastSuccessAt / 1000,
    ) +
    m('argus_config_reloads_total', 'counter', 'Configuration reloads tried.', s.total) +
    m(
      'argus_config_reload_failures_total',
      'counter',
      'Configuration reloads that failed; the running configuration stayed.',
      s.failures,
    )
  );
}
