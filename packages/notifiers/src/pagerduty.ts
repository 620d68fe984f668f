import { createHash } from 'node:crypto';
import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { alertLine, clip, title } from './common.js';

/** Options of {@link pagerdutyNotifier}. */
export interface PagerdutyNotifierOptions {
  /** The 32-character integration (routing) key (a secret: never logged). */
  routingKey: string;
  /** @default 'https://events.pagerduty.com/v2/enqueue' */
  url?: string;
  /** Used when the alerts carry no `severity` label PagerDuty knows. @default 'critical' */
  severity?: 'critical' | 'error' | 'warning' | 'info';
  /** @default true */
  sendResolved?: boolean;
  /** `client` and `client_url` of the event. @default 'Argus' */
  client?: string;
  clientUrl?: string;
}

interface Parsed {
  routingKey: string;
  url: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  sendResolved: boolean;
  client: string;
  clientUrl?: string | undefined;
}

const schema: z.ZodType<Parsed, PagerdutyNotifierOptions> = z.strictObject({
  routingKey: z.string().min(1).describe('Integration key of the PagerDuty service'),
  url: z
    .url({ protocol: /^https?$/ })
    .default('https://events.pagerduty.com/v2/enqueue')
    .describe('Events API v2 endpoint'),
  severity: z
    .enum(['critical', 'error', 'warning', 'info'])
    .default('critical')
    .describe('Severity when no label gives one'),
  sendResolved: z.boolean().default(true).describe('Resolve the PagerDuty alert when the group resolves'),
  client: z.string().default('Argus').describe('Event client name'),
  clientUrl: z.url().optional().describe('Event client URL'),
});

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** Alertmanager's PagerDuty dedup key: the SHA-256 hex of the group key (`notify.Key.Hash()`). */
export function dedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** The Events API v2 body for a notification: `trigger` while firing, `resolve` once resolved. */
export function pagerdutyEvent(
  n: Notification,
  o: Omit<Parsed, 'url' | 'sendResolved'>,
): Record<string, unknown> {
  const base = { routing_key: o.routingKey, dedup_key: dedupKey(n.groupKey) };
  if (n.status === 'resolved') return { ...base, event_action: 'resolve' };
  const sev = n.commonLabels['severity'];
  const firing = n.alerts.filter((a) => a.status === 'firing');
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: clip(`${title(n)}: ${firing.map((a) => alertLine(a, n.commonLabels)).join('; ')}`, 1024),
      source: n.commonLabels['instance'] ?? n.commonLabels['job'] ?? 'argus',
      severity: sev && SEVERITIES.has(sev) ? sev : o.severity,
      timestamp: new Date(Math.min(...firing.map((a) => a.startsAt))).toISOString(),
      ...(n.commonLabels['alertname'] ? { class: n.commonLabels['alertname'] } : {}),
      ...(n.commonLabels['job'] ? { group: n.commonLabels['job'] } : {}),
      custom_details: {
        firing: firing.length,
        groupKey: n.groupKey,
        labels: n.commonLabels,
        annotations: n.commonAnnotations,
      },
    },
    client: o.client,
    ...(o.clientUrl ? { client_url: o.clientUrl } : {}),
  };
}

/**
 * PagerDuty Events API v2: one PagerDuty alert per Argus group (`dedup_key` = SHA-256 of the group key, as
 * Alertmanager does), `trigger` while firing and `resolve` when the group resolves. 202 is success; 429 and 5xx
 * are retried, 400 (invalid event) is not.
 * @example pagerdutyNotifier({ routingKey: process.env.PD_ROUTING_KEY! })
 */
export const pagerdutyNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'pagerduty',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      postJson({
        url: o.url,
        body: pagerdutyEvent(n, o),
        signal: ctx.signal,
        http: ctx.http,
        what: 'pagerduty',
      }),
  }),
});
