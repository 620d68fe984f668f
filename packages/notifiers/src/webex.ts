import { defineNotifier, type Notifier, postJson } from '@argus/alerting';
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
  truncateBytes,
} from './receiver.js';

/** Options of {@link webexNotifier} (Alertmanager's `webex_configs`). */
export interface WebexNotifierOptions {
  /** The room messages go to. */
  roomId: string;
  /** The bot's access token, sent as `Authorization: Bearer …` (a secret: never logged); or `tokenFile`. */
  token?: string;
  /** A file holding the token, read at each send. */
  tokenFile?: string;
  /** @default 'https://webexapis.com/v1/messages' */
  url?: string;
  /** @default '{{ template "webex.default.message" . }}' */
  message?: string;
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

interface Parsed {
  roomId: string;
  token?: string | undefined;
  tokenFile?: string | undefined;
  url: string;
  message: string;
  sendResolved: boolean;
  templates?: AmTemplates | undefined;
}

const schema: z.ZodType<Parsed, WebexNotifierOptions> = z
  .strictObject({
    roomId: z.string().min(1).describe('Webex room id'),
    ...secretFields('token', 'bot access token (Bearer)'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://webexapis.com/v1/messages')
      .describe('Messages API URL'),
    message: z.string().default('{{ template "webex.default.message" . }}').describe('Markdown (a template)'),
    sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
    templates: templatesOption,
  })
  .refine(...oneSecret('token'));

/** Webex's limit on a message, in bytes. */
const MAX_MESSAGE_BYTES = 7439;

/**
 * Webex messages API, as Alertmanager 0.25 sends it: `{markdown, roomId}` with the bot token as a Bearer
 * credential, the markdown cut to 7439 bytes. Any 2xx is success; 429 and 5xx are retried, other 4xx are not.
 * @example webexNotifier({ roomId: 'Y2lzY2…', tokenFile: '/run/secrets/webex' })
 */
export const webexNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'webex',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('webex', () => {
        const markdown = truncateBytes(templatesOf(o.templates).text(o.message, n), MAX_MESSAGE_BYTES);
        const token = readSecret('token', o.token, o.tokenFile);
        return postJson({
          url: o.url,
          body: { markdown, roomId: o.roomId },
          headers: { authorization: `Bearer ${token}` },
          signal: ctx.signal,
          http: ctx.http,
          what: 'webex',
        });
      }),
  }),
});
