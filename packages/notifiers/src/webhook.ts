import { type Notification, type Notifier, postJson } from '@argus/alerting';
import { parseOptions } from '@argus/core';
import { z } from 'zod';

/** Options shared by the chat notifiers that post each notification to one webhook URL. */
export interface WebhookNotifierOptions {
  /** The webhook URL (a secret: never logged). */
  webhookUrl: string;
  /** @default true */
  sendResolved?: boolean;
  /** Alerts listed per message. @default 20 */
  maxAlerts?: number;
}

/** How one chat service differs: its name, its option descriptions and how it renders a notification. */
export interface WebhookNotifierSpec {
  /** Integration type, also the prefix of option errors (`<type>-notifier`). */
  readonly type: string;
  /** Description of `webhookUrl`. */
  readonly urlDescription: string;
  /** Description of `maxAlerts`. */
  readonly maxAlertsDescription: string;
  /** Largest `maxAlerts` the service's message format can hold; unbounded when absent. */
  readonly maxAlertsLimit?: number;
  /** The JSON body posted for a notification. */
  readonly message: (n: Notification) => unknown;
}

/**
 * A notifier that posts `spec.message(n)` as JSON to the parsed `webhookUrl`; options are checked at
 * construction so a bad URL fails with `ERR_PLUGIN_OPTIONS` naming the field.
 */
export function webhookNotifier(spec: WebhookNotifierSpec, options: WebhookNotifierOptions): Notifier {
  const o = parseOptions(webhookSchema(spec), options, `${spec.type}-notifier`);
  return {
    type: spec.type,
    sendResolved: o.sendResolved,
    maxAlerts: o.maxAlerts,
    send: (n, ctx) =>
      postJson({ url: o.webhookUrl, body: spec.message(n), signal: ctx.signal, what: spec.type }),
  };
}

function webhookSchema(
  spec: WebhookNotifierSpec,
): z.ZodType<Required<WebhookNotifierOptions>, WebhookNotifierOptions> {
  const count = z.number().int().positive();
  return z.strictObject({
    webhookUrl: z.url({ protocol: /^https?$/ }).describe(spec.urlDescription),
    sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
    maxAlerts: (spec.maxAlertsLimit === undefined ? count : count.max(spec.maxAlertsLimit))
      .default(20)
      .describe(spec.maxAlertsDescription),
  });
}
