import { compareBytes, type Factory } from '@argus/core';
import { z } from 'zod';
import { defineNotifier } from './define-notifier.js';
import { postJson } from './http.js';
import type { Notification, Notifier } from './model.js';

/** Options of {@link webhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Receiver URL (a secret: never logged). */
  url: string;
  /** @default true */
  sendResolved?: boolean;
  /** At most this many alerts per message; the rest are counted in `truncatedAlerts`. 0: all. @default 0 */
  maxAlerts?: number;
  /** Extra headers, e.g. `Authorization` (secrets: never logged). */
  headers?: Record<string, string>;
}

const schema: z.ZodType<
  Required<Omit<WebhookNotifierOptions, 'headers'>> & { headers?: Record<string, string> | undefined },
  WebhookNotifierOptions
> = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('Receiver URL'),
  sendResolved: z.boolean().default(true).describe('Send resolved alerts'),
  maxAlerts: z.number().int().nonnegative().default(0).describe('Alerts per message; 0 = all'),
  headers: z.record(z.string(), z.string()).optional().describe('Extra request headers'),
});

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** A copy with keys in byte order, as Go's encoding/json writes maps. */
function sorted(m: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort(compareBytes)) out[k] = m[k]!;
  return out;
}

/** The JSON body of Alertmanager's webhook (payload version 4), field for field. */
export interface WebhookPayload {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
}

/**
 * Alertmanager's webhook payload v4 for a notification: firing alerts carry the Go zero time as `endsAt`,
 * resolved ones their end; RFC 3339 timestamps; `generatorURL` is `""` when unknown; label maps in byte order.
 */
export function webhookPayload(n: Notification): WebhookPayload {
  return {
    receiver: n.receiver,
    status: n.status,
    alerts: n.alerts.map((a) => ({
      status: a.status,
      labels: sorted(a.labels),
      annotations: sorted(a.annotations),
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt:
        a.status === 'resolved' && a.endsAt !== undefined ? new Date(a.endsAt).toISOString() : GO_ZERO_TIME,
      generatorURL: a.generatorURL ?? '',
      fingerprint: a.fingerprint,
    })),
    groupLabels: sorted(n.groupLabels),
    commonLabels: sorted(n.commonLabels),
    commonAnnotations: sorted(n.commonAnnotations),
    externalURL: n.externalURL,
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.truncatedAlerts,
  };
}

/**
 * The generic webhook: POSTs Alertmanager's payload v4, so receivers written for Alertmanager work unchanged.
 * @example webhookNotifier({ url: 'http://127.0.0.1:5001/alerts', maxAlerts: 50 })
 */
export const webhookNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'webhook',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    maxAlerts: o.maxAlerts,
    send: (n, ctx) =>
      postJson({
        url: o.url,
        body: webhookPayload(n),
        signal: ctx.signal,
        http: ctx.http,
        what: 'webhook',
        ...(o.headers ? { headers: o.headers } : {}),
      }),
  }),
});
