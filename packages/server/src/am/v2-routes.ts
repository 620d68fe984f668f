import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { badRequest, matchersParam, matchesLabels } from '../matchers.js';
import { type GettableAlert, gettableAlert, receiversByAlert } from './convert.js';
import { amV2SilenceRoutes } from './v2-silences.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** RFC 3339 time as Alertmanager's API takes it. */
const rfc3339 = z.iso.datetime({ offset: true, local: false }).describe('RFC 3339 time');

/** Alertmanager's labelSet. */
const labelSet = z.record(z.string(), z.string());

/** Alertmanager's postableAlert (unknown fields are ignored, as Go's JSON decoding does). */
const postableAlert = z.object({
  labels: labelSet.superRefine((l, c) => {
    const names = Object.keys(l);
    if (names.length === 0) c.addIssue({ code: 'custom', message: 'at least one label pair required' });
    const bad = names.find((k) => !LABEL_NAME.test(k));
    if (bad !== undefined)
      c.addIssue({ code: 'custom', message: `invalid label set: invalid name ${JSON.stringify(bad)}` });
  }),
  annotations: labelSet.optional(),
  startsAt: rfc3339.optional(),
  endsAt: rfc3339.optional(),
  generatorURL: z.string().max(4096).optional(),
});

const bool = z.enum(['true', 'false']).optional();
const many = z.union([z.string(), z.array(z.string())]).optional();

/** `GET /api/v2/alerts` and `/alerts/groups` query parameters. */
const alertsQuery = z.object({
  active: bool,
  silenced: bool,
  inhibited: bool,
  unprocessed: bool,
  muted: bool,
  filter: many,
  receiver: z.string().optional(),
});

/** An alert as Alertmanager lists it. */
const gettableAlertSchema = z.object({
  labels: labelSet,
  annotations: labelSet,
  startsAt: z.string(),
  endsAt: z.string(),
  updatedAt: z.string(),
  generatorURL: z.string().optional(),
  fingerprint: z.string(),
  receivers: z.array(z.object({ name: z.string() })),
  status: z.object({
    state: z.enum(['unprocessed', 'active', 'suppressed']),
    silencedBy: z.array(z.string()),
    inhibitedBy: z.array(z.string()),
  }),
});

const tags = ['alertmanager v2'];

type Query = z.infer<typeof alertsQuery>;
type GettableAlertT = GettableAlert;

/** Go's zero time, which Go clients (amtool) send for a time they leave unset. */
const GO_ZERO = Date.parse('0001-01-01T00:00:00Z');

/** A posted time in ms, or `undefined` when absent or Go's zero time (Alertmanager's `IsZero`). */
function goTime(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return ms === GO_ZERO ? undefined : ms;
}

/** The alerts `GET /api/v2/alerts` shows for `q`, with their receivers. */
function listAlerts(ctx: ServerContext, q: Query): { alert: GettableAlertT; receivers: string[] }[] {
  const filter = matchersParam(q.filter, 'querystring.filter');
  let receiverRe: RegExp | undefined;
  try {
    receiverRe = q.receiver ? new RegExp(`^(?:${q.receiver})$`) : undefined;
  } catch (err) {
    throw badRequest('querystring.receiver', (err as Error).message);
  }
  const byFp = receiversByAlert(ctx.am.groups());
  const out: { alert: GettableAlertT; receivers: string[] }[] = [];
  for (const a of ctx.am.alerts()) {
    if (a.status.state === 'resolved') continue;
    const silenced = a.status.silencedBy.length > 0;
    const inhibited = a.status.inhibitedBy.length > 0;
    if (q.active === 'false' && !silenced && !inhibited) continue;
    if (q.silenced === 'false' && silenced) continue;
    if (q.inhibited === 'false' && inhibited) continue;
    if (!matchesLabels(filter, a.labels)) continue;
    const receivers = byFp.get(a.fingerprint) ?? [];
    if (receiverRe && !receivers.some((r) => receiverRe.test(r))) continue;
    const endsAt = ctx.posted.endsAt(a.fingerprint) ?? a.updatedAt + (ctx.o.resolveTimeoutMs ?? 300_000);
    out.push({ alert: gettableAlert(a, receivers, endsAt), receivers });
  }
  return out;
}

/** Alertmanager's API v2: alerts, groups, silences, status, receivers. */
export function amV2Routes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v2/alerts', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'List alerts (Alertmanager API v2)',
      querystring: alertsQuery,
      response: { 200: z.array(gettableAlertSchema) },
    },
    handler: async (req) => listAlerts(ctx, req.query).map((x) => x.alert),
  });
  r.post('/api/v2/alerts', {
    config: { access: 'send' },
    schema: { tags, summary: 'Post alerts (Alertmanager API v2)', body: z.array(postableAlert) },
    handler: async (req, reply) => {
      const list = req.body.map((a, i) => {
        const startsAt = goTime(a.startsAt);
        const endsAt = goTime(a.endsAt);
        if (startsAt !== undefined && endsAt !== undefined && startsAt > endsAt)
          throw badRequest(`body[${i}].endsAt`, 'start time must be before end time');
        return {
          labels: a.labels,
          annotations: a.annotations,
          startsAt,
          endsAt,
          generatorURL: a.generatorURL,
        };
      });
      ctx.posted.post(list);
      return reply.code(200).send();
    },
  });
  r.get('/api/v2/alerts/groups', {
    config: { access: 'read' },
    schema: { tags, summary: 'List alert groups (Alertmanager API v2)', querystring: alertsQuery },
    handler: async (req) => {
      const shown = new Map(listAlerts(ctx, req.query).map((x) => [x.alert.fingerprint, x.alert]));
      return ctx.am
        .groups()
        .map((g) => ({
          labels: g.labels,
          receiver: { name: g.receiver },
          alerts: g.alerts.map((fp) => shown.get(fp)).filter((a) => a !== undefined),
        }))
        .filter((g) => g.alerts.length > 0);
    },
  });
  amV2SilenceRoutes(app, ctx);
  r.get('/api/v2/status', {
    config: { access: 'read' },
    schema: { tags, summary: 'Status, with the Alertmanager configuration in force (secrets as <secret>)' },
    handler: async () => ({
      cluster: { status: 'disabled', peers: [] },
      versionInfo: {
        version: ctx.o.version ?? '0.25.0',
        revision: 'argus',
        branch: 'argus',
        buildUser: 'argus',
        buildDate: '',
        goVersion: 'none (Argus)',
      },
      config: { original: ctx.redact.yaml(ctx.o.alertmanagerYaml ?? '') },
      uptime: new Date(ctx.startedAt).toISOString(),
    }),
  });
  r.get('/api/v2/receivers', {
    config: { access: 'read' },
    schema: { tags, summary: 'List receivers' },
    handler: async () => {
      const names = new Set<string>(ctx.o.receivers ?? []);
      for (const g of ctx.am.groups()) names.add(g.receiver);
      return [...names].map((name) => ({ name }));
    },
  });
}
