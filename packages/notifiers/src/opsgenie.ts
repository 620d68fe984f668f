import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { type TemplateData, templateData } from './am/data.js';
import type { AmTemplates } from './am/templates.js';
import { dedupKey } from './pagerduty.js';
import {
  guarded,
  omitEmpty,
  oneSecret,
  readSecret,
  renderMap,
  secretFields,
  templatesOf,
  templatesOption,
  truncateRunes,
} from './receiver.js';

/** An OpsGenie responder; `type: teams` with a comma-separated `name` becomes one `team` per name. */
export interface OpsgenieResponder {
  id?: string;
  name?: string;
  username?: string;
  type: string;
}

/** Options of {@link opsgenieNotifier} (Alertmanager's `opsgenie_configs`); text fields are templates. */
export interface OpsgenieNotifierOptions {
  /** The API key, sent as `Authorization: GenieKey …` (a secret: never logged); or `apiKeyFile`. */
  apiKey?: string;
  /** A file holding the API key, read at each send. */
  apiKeyFile?: string;
  /** @default 'https://api.opsgenie.com/' */
  url?: string;
  /** @default '{{ template "opsgenie.default.message" . }}' */
  message?: string;
  /** @default '{{ template "opsgenie.default.description" . }}' */
  description?: string;
  /** @default '{{ template "opsgenie.default.source" . }}' */
  source?: string;
  details?: Record<string, string>;
  responders?: OpsgenieResponder[];
  /** Comma-separated. */
  tags?: string;
  note?: string;
  priority?: string;
  entity?: string;
  /** Comma-separated. */
  actions?: string;
  /** Also update the message and description of an existing alert. @default false */
  updateAlerts?: boolean;
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

type Parsed = Required<Omit<OpsgenieNotifierOptions, 'apiKey' | 'apiKeyFile' | 'templates'>> &
  Pick<OpsgenieNotifierOptions, 'apiKey' | 'apiKeyFile' | 'templates'>;

const text = (d: string) => z.string().default(d);
const schema: z.ZodType<Parsed, OpsgenieNotifierOptions> = z
  .strictObject({
    ...secretFields('apiKey', 'OpsGenie API key'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://api.opsgenie.com/')
      .describe('OpsGenie API base URL'),
    message: text('{{ template "opsgenie.default.message" . }}').describe('Alert message (a template)'),
    description: text('{{ template "opsgenie.default.description" . }}').describe('Description (a template)'),
    source: text('{{ template "opsgenie.default.source" . }}').describe('Source (a template)'),
    details: z.record(z.string(), z.string()).default({}).describe('Extra details (templates)'),
    responders: z
      .array(
        z.strictObject({
          id: z.string().optional(),
          name: z.string().optional(),
          username: z.string().optional(),
          type: z.string().min(1),
        }),
      )
      .default([])
      .describe('Responders (templates)'),
    tags: text('').describe('Comma-separated tags (a template)'),
    note: text('').describe('Note (a template)'),
    priority: text('').describe('Priority P1–P5 (a template)'),
    entity: text('').describe('Entity (a template)'),
    actions: text('').describe('Comma-separated actions (a template)'),
    updateAlerts: z.boolean().default(false).describe('Update message and description of an open alert'),
    sendResolved: z.boolean().default(true).describe('Close the OpsGenie alert when the group resolves'),
    templates: templatesOption,
  })
  .refine(...oneSecret('apiKey')) as z.ZodType<Parsed, OpsgenieNotifierOptions>;

/** Go's safeSplit: split on `sep`, trimmed, empty parts dropped. */
const split = (s: string, sep = ','): string[] =>
  s
    .trim()
    .split(sep)
    .filter((x) => x !== '');

/** One OpsGenie API call: method, path under the API URL and JSON body. */
export interface OpsgenieRequest {
  method: 'POST' | 'PUT';
  path: string;
  body: Record<string, unknown>;
}

function responders(o: Parsed, tmpl: (s: string) => string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const r of o.responders) {
    const x = {
      id: tmpl(r.id ?? ''),
      name: tmpl(r.name ?? ''),
      username: tmpl(r.username ?? ''),
      type: tmpl(r.type),
    };
    if (x.type === 'teams') for (const team of split(x.name)) out.push({ name: team, type: 'team' });
    else out.push({ ...omitEmpty(x), type: x.type });
  }
  return out;
}

/** The OpsGenie Alert API calls for a notification, as Alertmanager 0.25 makes them (alias = SHA-256 of the group key). */
export function opsgenieRequests(n: Notification, o: Parsed): OpsgenieRequest[] {
  const data: TemplateData = templateData(n);
  const t = templatesOf(o.templates);
  const tmpl = (s: string) => t.text(s, data);
  const alias = dedupKey(n.groupKey);
  const byAlias = (what: string) => `v2/alerts/${alias}/${what}?identifierType=alias`;
  if (n.status === 'resolved')
    return [{ method: 'POST', path: byAlias('close'), body: { source: tmpl(o.source) } }];
  const msg = {
    alias,
    message: truncateRunes(tmpl(o.message), 130),
    ...omitEmpty({ description: tmpl(o.description) }),
    details: { ...n.commonLabels, ...renderMap(t, o.details, data) },
    source: tmpl(o.source),
    ...omitEmpty({
      responders: responders(o, tmpl),
      tags: split(tmpl(o.tags)),
      note: tmpl(o.note),
      priority: tmpl(o.priority),
      entity: tmpl(o.entity),
      actions: split(tmpl(o.actions)),
    }),
  };
  const out: OpsgenieRequest[] = [{ method: 'POST', path: 'v2/alerts', body: msg }];
  if (o.updateAlerts) {
    out.push({ method: 'PUT', path: byAlias('message'), body: omitEmpty({ message: msg.message }) });
    out.push({
      method: 'PUT',
      path: byAlias('description'),
      body: omitEmpty({ description: msg.description }),
    });
  }
  return out;
}

/**
 * OpsGenie Alert API, as Alertmanager 0.25 calls it: create (`POST v2/alerts`, alias = SHA-256 of the group key)
 * while firing, close by alias once resolved, and with `updateAlerts` also update message and description. 2xx
 * (OpsGenie answers 202) is success; 429 and 5xx are retried, other 4xx are not.
 * @example opsgenieNotifier({ apiKeyFile: '/run/secrets/opsgenie', priority: 'P2' })
 */
export const opsgenieNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'opsgenie',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('opsgenie', async () => {
        const requests = opsgenieRequests(n, o);
        const key = readSecret('apiKey', o.apiKey, o.apiKeyFile);
        const headers = { authorization: `GenieKey ${key}` };
        const base = o.url.endsWith('/') ? o.url : `${o.url}/`;
        for (const r of requests) {
          const res = await postJson({
            url: base + r.path,
            method: r.method,
            body: r.body,
            headers,
            signal: ctx.signal,
            http: ctx.http,
            what: 'opsgenie',
          });
          if (!res.ok) return res;
        }
        return { ok: true };
      }),
  }),
});
