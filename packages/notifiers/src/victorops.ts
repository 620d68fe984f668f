import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { templateData } from './am/data.js';
import type { AmTemplates } from './am/templates.js';
import { dedupKey } from './pagerduty.js';
import {
  guarded,
  oneSecret,
  readSecret,
  renderMap,
  secretFields,
  sortedMap,
  templatesOf,
  templatesOption,
  truncateRunes,
} from './receiver.js';

/** Options of {@link victoropsNotifier} (Alertmanager's `victorops_configs`); text fields are templates. */
export interface VictoropsNotifierOptions {
  /** The REST integration's API key, part of the URL (a secret: never logged); or `apiKeyFile`. */
  apiKey?: string;
  /** A file holding the API key, read at each send. */
  apiKeyFile?: string;
  /** The routing key (a template). */
  routingKey: string;
  /** @default 'https://alert.victorops.com/integrations/generic/20131114/alert/' */
  url?: string;
  /** `CRITICAL`, `WARNING` or `INFO` while firing (anything else is sent as `CRITICAL`). @default 'CRITICAL' */
  messageType?: string;
  /** @default '{{ template "victorops.default.state_message" . }}' */
  stateMessage?: string;
  /** @default '{{ template "victorops.default.entity_display_name" . }}' */
  entityDisplayName?: string;
  /** @default '{{ template "victorops.default.monitoring_tool" . }}' */
  monitoringTool?: string;
  /** More fields of the event (templates). */
  customFields?: Record<string, string>;
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

type Parsed = Required<Omit<VictoropsNotifierOptions, 'apiKey' | 'apiKeyFile' | 'templates'>> &
  Pick<VictoropsNotifierOptions, 'apiKey' | 'apiKeyFile' | 'templates'>;

const schema: z.ZodType<Parsed, VictoropsNotifierOptions> = z
  .strictObject({
    ...secretFields('apiKey', 'VictorOps API key'),
    routingKey: z.string().min(1).describe('Routing key (a template)'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://alert.victorops.com/integrations/generic/20131114/alert/')
      .describe('REST endpoint; the API key and routing key are appended'),
    messageType: z.string().default('CRITICAL').describe('Message type while firing (a template)'),
    stateMessage: z
      .string()
      .default('{{ template "victorops.default.state_message" . }}')
      .describe('State message'),
    entityDisplayName: z
      .string()
      .default('{{ template "victorops.default.entity_display_name" . }}')
      .describe('Entity display name'),
    monitoringTool: z
      .string()
      .default('{{ template "victorops.default.monitoring_tool" . }}')
      .describe('Monitoring tool'),
    customFields: z.record(z.string(), z.string()).default({}).describe('More event fields (templates)'),
    sendResolved: z.boolean().default(true).describe('Send RECOVERY when the group resolves'),
    templates: templatesOption,
  })
  .refine(...oneSecret('apiKey')) as z.ZodType<Parsed, VictoropsNotifierOptions>;

const ALLOWED = new Set(['INFO', 'WARNING', 'CRITICAL']);

/** The VictorOps REST event for a notification, as Alertmanager 0.25 builds it (entity_id = SHA-256 of the group key). */
export function victoropsEvent(n: Notification, o: Parsed): Record<string, string> {
  const data = templateData(n);
  const t = templatesOf(o.templates);
  const tmpl = (s: string) => t.text(s, data);
  let type = tmpl(o.messageType);
  if (n.status === 'firing' && !ALLOWED.has(type)) type = 'CRITICAL';
  if (n.status === 'resolved') type = 'RECOVERY';
  return sortedMap({
    message_type: type,
    entity_id: dedupKey(n.groupKey),
    entity_display_name: tmpl(o.entityDisplayName),
    state_message: truncateRunes(tmpl(o.stateMessage), 20480),
    monitoring_tool: tmpl(o.monitoringTool),
    ...renderMap(t, o.customFields, data),
  });
}

/**
 * VictorOps (Splunk On-Call) REST integration, as Alertmanager 0.25 posts it to `<url><apiKey>/<routingKey>`:
 * `CRITICAL`/`WARNING`/`INFO` while firing, `RECOVERY` once resolved. 2xx is success; 429 and 5xx are retried.
 * @example victoropsNotifier({ apiKeyFile: '/run/secrets/victorops', routingKey: 'ops' })
 */
export const victoropsNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'victorops',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('victorops', () => {
        const body = victoropsEvent(n, o);
        const key = readSecret('apiKey', o.apiKey, o.apiKeyFile);
        const routing = templatesOf(o.templates).text(o.routingKey, n);
        const url = `${o.url}${encodeURIComponent(key)}/${encodeURIComponent(routing)}`;
        return postJson({ url, body, signal: ctx.signal, http: ctx.http, what: 'victorops' });
      }),
  }),
});
