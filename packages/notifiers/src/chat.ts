import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import { deprecate, type Factory } from '@argus/core';
import { z } from 'zod';

/** Options shared by the chat notifiers that post each notification to one webhook URL. */
export type ChatNotifierOptions = {
  /** @default true */
  sendResolved?: boolean;
  /** Alerts listed per message. @default 20 */
  maxAlerts?: number;
} & (
  | {
      /** The webhook URL (a secret: never logged). */
      url: string;
    }
  | {
      /** @deprecated Renamed `url` (the outbound address is `url` in every notifier); accepted with a warning. */
      webhookUrl: string;
    }
);

/** @deprecated Renamed {@link ChatNotifierOptions}. */
export type WebhookNotifierOptions = ChatNotifierOptions;

/** How one chat service differs: its name, its option descriptions and how it renders a notification. */
export interface ChatNotifierSpec {
  /** Notifier name, also the prefix of option errors (`<name>-notifier`). */
  readonly name: string;
  /** Description of `url`. */
  readonly urlDescription: string;
  /** Description of `maxAlerts`. */
  readonly maxAlertsDescription: string;
  /** Largest `maxAlerts` the service's message format can hold; unbounded when absent. */
  readonly maxAlertsLimit?: number;
  /** The JSON body posted for a notification. */
  readonly message: (n: Notification) => unknown;
}

interface ChatParsed {
  url: string;
  sendResolved: boolean;
  maxAlerts: number;
}

/** The schema of a chat notifier's options. */
export type ChatSchema = z.ZodType<ChatParsed, ChatNotifierOptions>;

/** Reads the deprecated `webhookUrl` as `url`, warning once per process. */
function renameWebhookUrl(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !('webhookUrl' in input)) return input;
  const { webhookUrl, ...rest } = input as { webhookUrl: unknown; url?: unknown };
  deprecate(
    'ARGUS_DEP_WEBHOOK_URL',
    'the notifier option `webhookUrl` is renamed `url`; `webhookUrl` goes in 2.0',
  );
  return 'url' in rest ? rest : { ...rest, url: webhookUrl };
}

function chatSchema(spec: ChatNotifierSpec): ChatSchema {
  const count = z.number().int().positive();
  return z.preprocess(
    renameWebhookUrl,
    z.strictObject({
      url: z.url({ protocol: /^https?$/ }).describe(spec.urlDescription),
      sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
      maxAlerts: (spec.maxAlertsLimit === undefined ? count : count.max(spec.maxAlertsLimit))
        .default(20)
        .describe(spec.maxAlertsDescription),
    }),
  ) as unknown as ChatSchema;
}

/**
 * A notifier factory that posts `spec.message(n)` as JSON to the parsed `url`; options are checked at
 * construction so a bad URL fails with `ERR_PLUGIN_OPTIONS` naming the field.
 */
export function chatNotifier(spec: ChatNotifierSpec): Factory<ChatSchema, Notifier> {
  return defineNotifier({
    name: spec.name,
    options: chatSchema(spec),
    create: (o) => ({
      sendResolved: o.sendResolved,
      maxAlerts: o.maxAlerts,
      send: (n, ctx) =>
        postJson({ url: o.url, body: spec.message(n), signal: ctx.signal, http: ctx.http, what: spec.name }),
    }),
  });
}
