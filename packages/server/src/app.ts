import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOptions, silentLogger, systemClock } from '@argus/core';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { PostedAlerts } from './am/posted.js';
import { amV2Routes } from './am/v2-routes.js';
import { AuditLog } from './audit.js';
import { installAuth } from './auth/hook.js';
import { oidcRoutes } from './auth/oidc.js';
import { WindowLimiter } from './auth/rate.js';
import { Sessions } from './auth/sessions.js';
import { Tokens } from './auth/tokens.js';
import { Users } from './auth/users.js';
import type { Replaceable, RouteRule, ServerContext } from './context.js';
import { installErrorHandler } from './errors.js';
import { EventHub } from './events.js';
import { FindingLog } from './findings.js';
import { ServerMetrics } from './metrics.js';
import { type ArgusServerOptions, serverOptionsSchema } from './options.js';
import { configSecrets, Redactor } from './redact.js';
import { alertRoutes } from './routes/alerts.js';
import { analysisRoutes } from './routes/analysis.js';
import { authRoutes } from './routes/auth.js';
import { bandRoutes } from './routes/band.js';
import { eventRoutes } from './routes/events.js';
import { loginLinkRoutes } from './routes/login-link.js';
import { opsRoutes } from './routes/ops.js';
import { promRoutes } from './routes/prom.js';
import { promqlSelectorRoutes } from './routes/promql-selectors.js';
import { seriesRoutes } from './routes/series.js';
import { silenceRoutes } from './routes/silences.js';
import { statusRoutes } from './routes/status.js';
import { trendRoutes } from './routes/trends.js';
import { uiRoutes } from './routes/ui.js';
import { webhookRoutes } from './routes/webhooks.js';

/** The default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/** What {@link argusApi} adds to the instance it is registered on. */
export interface ArgusApiHandle {
  /** Every route with the permission it needs (the RBAC table). */
  readonly routes: readonly RouteRule[];
  /** The audit log's durable writes are done. */
  flushed(): Promise<void>;
  /** Live-event clients connected, and those cut off for not reading. */
  events(): { clients: number; dropped: number };
  /**
   * Serves a new alert manager from now on (a reload): routes, posted alerts and live events use it. Stopping the
   * old one is the caller's job.
   */
  replaceAlertManager(
    next: Pick<ArgusServerOptions, 'alertManager' | 'alertmanagerYaml' | 'receivers'>,
  ): void;
  /**
   * Serves what a reload made from now on: a new pipeline (health, findings, live events follow it), alert
   * manager, YAML, receivers or configuration; what is not given stays. Stopping the old parts is the caller's job.
   */
  replace(next: Partial<Pick<ArgusServerOptions, Replaceable>>): void;
}

async function buildContext(options: ArgusServerOptions): Promise<ServerContext> {
  let o = options;
  const clock = o.clock ?? systemClock;
  const log = o.log ?? silentLogger;
  const redact = new Redactor([
    ...(o.secrets ?? []),
    ...(o.oidc?.clientSecret ? [o.oidc.clientSecret] : []),
    // receiver URLs and other secrets of the configuration, so an error or audit entry quoting one hides it too
    ...configSecrets(o),
  ]);
  const hub = new EventHub({
    redact: (text) => redact.text(text),
    ...(o.sseBacklog === undefined ? {} : { backlog: o.sseBacklog }),
  });
  const ctx: ServerContext = {
    get o() {
      return o;
    },
    get am() {
      return o.alertManager;
    },
    reconfigure(next) {
      o = { ...o, ...next };
    },
    clock,
    log,
    audit: new AuditLog(o.state, clock, log),
    tokens: new Tokens(o.state, clock),
    users: new Users(o.state),
    sessions: new Sessions(o.state, clock, o.sessionTtlMs ?? 43_200_000),
    redact,
    posted: new PostedAlerts(() => o.alertManager, clock, o.resolveTimeoutMs ?? 300_000),
    hub,
    metrics: new ServerMetrics({
      pipeline: () => o.pipeline,
      alertManager: () => o.alertManager,
      events: () => ({ clients: hub.size, dropped: hub.dropped }),
    }),
    findings: new FindingLog(() => o.store, o.findingsKept ?? 10_000),
    limits: {
      tokenUse: new WindowLimiter(clock, o.tokenPerMinute ?? 1200),
      tokenFailures: new WindowLimiter(clock, o.tokenFailuresPerMinute ?? 10),
    },
    startedAt: clock.now(),
  };
  await Promise.all([ctx.audit.load(), ctx.tokens.load()]);
  return ctx;
}

/**
 * The Argus API as a fastify plugin: register it on your own fastify instance (any prefix). Every route is in
 * the RBAC table and checked; OpenAPI 3 is served at `/api/openapi.json`. Throws `ERR_PLUGIN_OPTIONS` naming a
 * bad option.
 * @example
 * await app.register(argusApi, { alertManager: argus.alertManager, pipeline: argus.pipeline, state });
 */
export const argusApi: FastifyPluginAsync<ArgusServerOptions & { prefix?: string }> = async (
  app,
  options,
) => {
  const { prefix, ...rest } = options;
  const o = parseOptions(serverOptionsSchema, rest, 'server') as ArgusServerOptions;
  const ctx = await buildContext(o);
  const table: RouteRule[] = [];
  // the routes, hooks and error handler live in a child context: they never touch the host app's other routes
  const live = {
    detach: ctx.hub.attach(ctx.o.pipeline, ctx.am),
    unfollow: ctx.findings.attach(ctx.o.pipeline),
    unhealth: ctx.metrics.attach(ctx.o.pipeline),
  };
  await app.register(async (child) => mount(child, ctx, table), { prefix: prefix ?? '' });
  app.addHook('onClose', async () => {
    live.detach();
    live.unfollow();
    live.unhealth();
  });
  const replace = (next: Partial<Pick<ArgusServerOptions, Replaceable>>): void => {
    const defined = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
    // a reloaded configuration's new receiver URLs become known secrets before anything serves it
    for (const secret of configSecrets(defined)) ctx.redact.add(secret);
    ctx.reconfigure(defined);
    live.detach();
    live.detach = ctx.hub.attach(ctx.o.pipeline, ctx.am);
    if ('pipeline' in defined) {
      live.unfollow();
      live.unfollow = ctx.findings.attach(ctx.o.pipeline);
      live.unhealth();
      live.unhealth = ctx.metrics.attach(ctx.o.pipeline);
    }
  };
  app.decorate('argus', {
    routes: table,
    flushed: () => ctx.audit.flushed(),
    events: () => ({ clients: ctx.hub.size, dropped: ctx.hub.dropped }),
    replaceAlertManager: replace,
    replace,
  } satisfies ArgusApiHandle);
};
// fastify-plugin's `skip-override`: `argus` is decorated on the instance given (the routes stay in a child)
(argusApi as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

async function mount(app: FastifyInstance, ctx: ServerContext, table: RouteRule[]): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, ctx.redact);
  // mounted in a host app, its own bodyLimit would apply: give each of our routes ours (a route's own limit wins)
  const limit = ctx.o.bodyLimitBytes;
  if (limit !== undefined)
    app.addHook('onRoute', (r) => {
      r.bodyLimit ??= limit;
    });
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Argus API', version: '1' } },
    transform: jsonSchemaTransform,
  });
  installAuth(app, ctx, table);
  // counted by route pattern, never the raw URL, so label values stay bounded (unmatched URLs count as `none`)
  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.request(
      req.routeOptions.url ?? 'none',
      req.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  opsRoutes(app, ctx);
  alertRoutes(app, ctx);
  silenceRoutes(app, ctx);
  statusRoutes(app, ctx);
  seriesRoutes(app, ctx);
  bandRoutes(app, ctx);
  authRoutes(app, ctx);
  if (ctx.o.oidc) oidcRoutes(app, ctx, ctx.o.oidc);
  amV2Routes(app, ctx);
  promRoutes(app, ctx);
  eventRoutes(app, ctx, ctx.hub);
  await webhookRoutes(app, ctx.o.webhooks ?? []);
  if (ctx.o.loginLink) loginLinkRoutes(app, ctx, ctx.o.loginLink);
  analysisRoutes(app, ctx);
  trendRoutes(app, ctx);
  promqlSelectorRoutes(app);
  if (ctx.o.uiRoot) await uiRoutes(app, ctx.o.uiRoot);
  app.addHook('onClose', async () => {
    ctx.posted.stop();
    await ctx.audit.flushed();
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by {@link argusApi}. */
    argus: ArgusApiHandle;
  }
}

/**
 * A standalone fastify server with the Argus API (listen on it yourself, loopback by default in `argus serve`);
 * HTTPS with `tls`.
 * @example
 * const app = await createArgusServer({ alertManager, pipeline, state });
 * await app.listen({ host: '127.0.0.1', port: 9093 });
 */
export async function createArgusServer(options: ArgusServerOptions): Promise<FastifyInstance> {
  // checked here too, so a bad option is named by us before fastify sees bodyLimit
  parseOptions(serverOptionsSchema, options, 'server');
  const { tls, ...rest } = options;
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    logger: false,
    trustProxy: false,
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
  }) as unknown as FastifyInstance;
  // a session cookie sent over HTTPS must never travel over plain HTTP: Secure unless the caller says otherwise
  await app.register(argusApi, tls ? { secureCookies: true, ...rest } : rest);
  await app.ready();
  return app;
}

/**
 * The Argus API as a plain `node:http` handler for other frameworks (express, koa, a bare server).
 * @example
 * const { handler, close } = await argusHandler({ alertManager, state });
 * http.createServer(handler).listen(9093, '127.0.0.1');
 */
export async function argusHandler(
  options: ArgusServerOptions,
): Promise<{ handler: (req: IncomingMessage, res: ServerResponse) => void; close: () => Promise<void> }> {
  const app = await createArgusServer(options);
  return { handler: (req, res) => app.routing(req, res), close: () => app.close() };
}
