import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { templateData } from './am/data.js';
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

/** Options of {@link pagerdutyV1Notifier} (Alertmanager's `pagerduty_configs` with `service_key`). */
export interface PagerdutyV1NotifierOptions {
  /** The service's integration key (a secret: never logged); or `serviceKeyFile`. */
  serviceKey?: string;
  serviceKeyFile?: string;
  /** @default 'https://events.pagerduty.com/generic/2010-04-15/create_event.json' */
  url?: string;
  /** @default '{{ template "pagerduty.default.description" .}}' */
  description?: string;
  /** @default '{{ template "pagerduty.default.client" . }}' */
  client?: string;
  /** @default '{{ template "pagerduty.default.clientURL" . }}' */
  clientUrl?: string;
  /** Added to Alertmanager's `firing`, `resolved`, `num_firing` and `num_resolved` (templates). */
  details?: Record<string, string>;
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

type Opt = 'serviceKey' | 'serviceKeyFile' | 'templates';
type Parsed = Required<Omit<PagerdutyV1NotifierOptions, Opt>> & Pick<PagerdutyV1NotifierOptions, Opt>;

/** Alertmanager's default PagerDuty details. */
export const PAGERDUTY_DEFAULT_DETAILS: Readonly<Record<string, string>> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

const schema: z.ZodType<Parsed, PagerdutyV1NotifierOptions> = z
  .strictObject({
    ...secretFields('serviceKey', 'integration (service) key'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://events.pagerduty.com/generic/2010-04-15/create_event.json')
      .describe('Events API v1 endpoint'),
    description: z
      .string()
      .default('{{ template "pagerduty.default.description" .}}')
      .describe('Description'),
    client: z.string().default('{{ template "pagerduty.default.client" . }}').describe('Client (a template)'),
    clientUrl: z.string().default('{{ template "pagerduty.default.clientURL" . }}').describe('Client URL'),
    details: z
      .record(z.string(), z.string())
      .default({})
      .transform((d) => ({ ...PAGERDUTY_DEFAULT_DETAILS, ...d }))
      .describe('Details (templates), added to the defaults'),
    sendResolved: z.boolean().default(true).describe('Resolve the incident when the group resolves'),
    templates: templatesOption,
  })
  .refine(...oneSecret('serviceKey')) as unknown as z.ZodType<Parsed, PagerdutyV1NotifierOptions>;

/** The Events API v1 body without the service key, as Alertmanager 0.25 builds it. */
export function pagerdutyV1Event(n: Notification, o: Parsed): Record<string, unknown> {
  const data = templateData(n);
  const t = templatesOf(o.templates);
  const trigger = n.status === 'firing';
  return {
    incident_key: dedupKey(n.groupKey),
    event_type: trigger ? 'trigger' : 'resolve',
    ...omitEmpty({ description: truncateRunes(t.text(o.description, data), 1024) }),
    event_action: '',
    payload: null,
    ...(trigger ? omitEmpty({ client: t.text(o.client, data), client_url: t.text(o.clientUrl, data) }) : {}),
    details: renderMap(t, o.details, data),
  };
}

/**
 * PagerDuty Events API v1 (`service_key`), as Alertmanager 0.25 sends it: `trigger` while firing and `resolve`
 * once resolved, `incident_key` = SHA-256 of the group key. 2xx is success; 403 (v1's rate limit), 429 and 5xx
 * are retried, other 4xx are not.
 * @example pagerdutyV1Notifier({ serviceKeyFile: '/run/secrets/pagerduty' })
 */
export const pagerdutyV1Notifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'pagerduty-v1',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('pagerduty-v1', async () => {
        const event = pagerdutyV1Event(n, o);
        const body = { service_key: readSecret('serviceKey', o.serviceKey, o.serviceKeyFile), ...event };
        const res = await postJson({
          url: o.url,
          body,
          signal: ctx.signal,
          http: ctx.http,
          what: 'pagerduty-v1',
        });
        return !res.ok && res.status === 403 ? { ...res, retryable: true } : res;
      }),
  }),
});
