import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { templateData } from './am/data.js';
import type { AmTemplates } from './am/templates.js';
import { dedupKey } from './pagerduty.js';
import { PAGERDUTY_DEFAULT_DETAILS } from './pagerduty-v1.js';
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

/** Options of {@link pagerdutyEventsNotifier} (Alertmanager's `pagerduty_configs` with `routing_key`). */
export interface PagerdutyEventsNotifierOptions {
  /** The integration (routing) key (a secret: never logged); or `routingKeyFile`. */
  routingKey?: string;
  routingKeyFile?: string;
  /** @default 'https://events.pagerduty.com/v2/enqueue' */
  url?: string;
  /** The event's summary. @default '{{ template "pagerduty.default.description" .}}' */
  description?: string;
  /** @default '{{ template "pagerduty.default.client" . }}' */
  client?: string;
  /** @default '{{ template "pagerduty.default.clientURL" . }}' */
  clientUrl?: string;
  /** @default the client template */
  source?: string;
  /** @default 'error' */
  severity?: string;
  class?: string;
  component?: string;
  group?: string;
  /** Added to Alertmanager's default custom details (templates). */
  details?: Record<string, string>;
  images?: { src?: string; alt?: string; href?: string }[];
  links?: { href?: string; text?: string }[];
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

type Opt = 'routingKey' | 'routingKeyFile' | 'templates' | 'source';
type Parsed = Required<Omit<PagerdutyEventsNotifierOptions, Opt>> & Pick<PagerdutyEventsNotifierOptions, Opt>;

const s = (d = '') => z.string().default(d);
const schema: z.ZodType<Parsed, PagerdutyEventsNotifierOptions> = z
  .strictObject({
    ...secretFields('routingKey', 'integration (routing) key'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://events.pagerduty.com/v2/enqueue')
      .describe('Events API v2 URL'),
    description: s('{{ template "pagerduty.default.description" .}}').describe('Summary (a template)'),
    client: s('{{ template "pagerduty.default.client" . }}').describe('Client (a template)'),
    clientUrl: s('{{ template "pagerduty.default.clientURL" . }}').describe('Client URL (a template)'),
    source: z.string().optional().describe('Source (a template); the client by default'),
    severity: s('error').describe('Severity (a template)'),
    class: s().describe('Class (a template)'),
    component: s().describe('Component (a template)'),
    group: s().describe('Group (a template)'),
    details: z
      .record(z.string(), z.string())
      .default({})
      .transform((d) => ({ ...PAGERDUTY_DEFAULT_DETAILS, ...d }))
      .describe('Custom details (templates), added to the defaults'),
    images: z
      .array(
        z.strictObject({
          src: z.string().optional(),
          alt: z.string().optional(),
          href: z.string().optional(),
        }),
      )
      .default([])
      .describe('Images (templates)'),
    links: z
      .array(z.strictObject({ href: z.string().optional(), text: z.string().optional() }))
      .default([])
      .describe('Links (templates)'),
    sendResolved: z.boolean().default(true).describe('Resolve the PagerDuty alert when the group resolves'),
    templates: templatesOption,
  })
  .refine(...oneSecret('routingKey')) as unknown as z.ZodType<Parsed, PagerdutyEventsNotifierOptions>;

/** The Events API v2 event without the routing key, as Alertmanager 0.25 builds it. */
export function pagerdutyEventsEvent(n: Notification, o: Parsed): Record<string, unknown> {
  const data = templateData(n);
  const t = templatesOf(o.templates);
  const tmpl = (x: string) => t.text(x, data);
  const images = o.images
    .map((i) => ({ src: tmpl(i.src ?? ''), alt: tmpl(i.alt ?? ''), href: tmpl(i.href ?? '') }))
    .filter((i) => i.src !== '');
  const links = o.links
    .map((l) => ({ href: tmpl(l.href ?? ''), text: tmpl(l.text ?? '') }))
    .filter((l) => l.href !== '');
  const details = renderMap(t, o.details, data);
  return {
    dedup_key: dedupKey(n.groupKey),
    event_action: n.status === 'firing' ? 'trigger' : 'resolve',
    payload: {
      summary: truncateRunes(tmpl(o.description), 1024),
      source: tmpl(o.source ?? o.client),
      severity: tmpl(o.severity),
      ...omitEmpty({ class: tmpl(o.class), component: tmpl(o.component), group: tmpl(o.group) }),
      ...(Object.keys(details).length > 0 ? { custom_details: details } : {}),
    },
    ...omitEmpty({ client: tmpl(o.client), client_url: tmpl(o.clientUrl), images, links }),
  };
}

/**
 * PagerDuty Events API v2 as Alertmanager 0.25 sends it (what `pagerduty_configs` with `routing_key` in an
 * alertmanager.yml sends): `dedup_key` = SHA-256 of the group key, the summary from Alertmanager's templates and
 * its default custom details. 2xx is success; 429 and 5xx are retried, other 4xx are not. For Argus's own event
 * layout use `pagerdutyNotifier`.
 * @example pagerdutyEventsNotifier({ routingKeyFile: '/run/secrets/pagerduty', severity: 'critical' })
 */
export const pagerdutyEventsNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'pagerduty',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('pagerduty', () => {
        const event = pagerdutyEventsEvent(n, o);
        const body = { routing_key: readSecret('routingKey', o.routingKey, o.routingKeyFile), ...event };
        return postJson({ url: o.url, body, signal: ctx.signal, http: ctx.http, what: 'pagerduty' });
      }),
  }),
});
