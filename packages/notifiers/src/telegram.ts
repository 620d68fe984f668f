import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import type { AmTemplates } from './am/templates.js';
import {
  guarded,
  oneSecret,
  readSecret,
  secretFields,
  templatesOf,
  templatesOption,
  truncateRunes,
} from './receiver.js';

/** Options of {@link telegramNotifier} (Alertmanager's `telegram_configs`). */
export interface TelegramNotifierOptions {
  /** The bot token (a secret: never logged; it is part of the request path); or `botTokenFile`. */
  botToken?: string;
  /** A file holding the bot token, read at each send. */
  botTokenFile?: string;
  /** The chat messages go to. */
  chatId: number;
  /** @default 'https://api.telegram.org' */
  url?: string;
  /** @default '{{ template "telegram.default.message" . }}' */
  message?: string;
  /** Send silently. @default false */
  disableNotifications?: boolean;
  /** `HTML`, `Markdown`, `MarkdownV2` or `''` (plain text). @default 'HTML' */
  parseMode?: 'HTML' | 'Markdown' | 'MarkdownV2' | '';
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

type Parsed = Required<Omit<TelegramNotifierOptions, 'botToken' | 'botTokenFile' | 'templates'>> &
  Pick<TelegramNotifierOptions, 'botToken' | 'botTokenFile' | 'templates'>;

const schema: z.ZodType<Parsed, TelegramNotifierOptions> = z
  .strictObject({
    ...secretFields('botToken', 'Telegram bot token'),
    chatId: z.number().int().describe('Chat id'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://api.telegram.org')
      .describe('Bot API URL'),
    message: z
      .string()
      .default('{{ template "telegram.default.message" . }}')
      .describe('Message (a template)'),
    disableNotifications: z.boolean().default(false).describe('Send without a notification sound'),
    parseMode: z.enum(['HTML', 'Markdown', 'MarkdownV2', '']).default('HTML').describe('Telegram parse mode'),
    sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
    templates: templatesOption,
  })
  .refine(...oneSecret('botToken')) as z.ZodType<Parsed, TelegramNotifierOptions>;

/** Telegram's limit on a message, in characters. */
const MAX_MESSAGE_RUNES = 4096;

/**
 * The `sendMessage` parameters for a notification, as Alertmanager 0.25's client (telebot v3) sends them: every
 * value a string, web page previews off.
 */
export function telegramMessage(n: Notification, o: Parsed): Record<string, string> {
  const t = templatesOf(o.templates);
  // Alertmanager renders the message with html/template in HTML parse mode
  const text = truncateRunes(
    o.parseMode === 'HTML' ? t.html(o.message, n) : t.text(o.message, n),
    MAX_MESSAGE_RUNES,
  );
  return {
    chat_id: String(o.chatId),
    ...(o.disableNotifications ? { disable_notification: 'true' } : {}),
    disable_web_page_preview: 'true',
    ...(o.parseMode ? { parse_mode: o.parseMode } : {}),
    text,
  };
}

/** `parameters.retry_after` of a Bot API error answer, in ms. */
function retryAfterFromBody(body: string | undefined): number | undefined {
  try {
    const s = (JSON.parse(body ?? '') as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
    return typeof s === 'number' && s >= 0 ? s * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Telegram Bot API `sendMessage` to `<url>/bot<token>/sendMessage`. 200 with `{"ok":true}` is success; 429 (after
 * `Retry-After`) and 5xx are retried; other 4xx (`chat not found`, a bad token) are not.
 * @example telegramNotifier({ botTokenFile: '/run/secrets/telegram', chatId: -1001234567890 })
 */
export const telegramNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'telegram',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('telegram', async () => {
        const body = telegramMessage(n, o);
        const token = readSecret('botToken', o.botToken, o.botTokenFile);
        const url = `${o.url.replace(/\/$/, '')}/bot${token}/sendMessage`;
        const res = await postJson({ url, body, signal: ctx.signal, http: ctx.http, what: 'telegram' });
        // Telegram gives the wait of a 429 in the body (`parameters.retry_after`, seconds), not always as a header
        if (!res.ok && res.status === 429 && res.retryAfterMs === undefined) {
          const after = retryAfterFromBody(res.body);
          return after === undefined ? res : { ...res, retryAfterMs: after };
        }
        if (res.ok && !/"ok"\s*:\s*true/.test(res.body ?? '')) {
          return {
            ok: false,
            retryable: false,
            error: new Error('telegram: the Bot API answered without "ok": true'),
          };
        }
        return res;
      }),
  }),
});
