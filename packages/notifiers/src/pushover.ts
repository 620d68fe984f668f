import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { templateData } from './am/data.js';
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

/** Options of {@link pushoverNotifier} (Alertmanager's `pushover_configs`); text fields are templates. */
export interface PushoverNotifierOptions {
  /** The recipient's user key (a secret: never logged); or `userKeyFile`. */
  userKey?: string;
  userKeyFile?: string;
  /** The application's API token (a secret: never logged); or `tokenFile`. */
  token?: string;
  tokenFile?: string;
  /** @default 'https://api.pushover.net/1/messages.json' */
  url?: string;
  /** @default '{{ template "pushover.default.title" . }}' */
  title?: string;
  /** @default '{{ template "pushover.default.message" . }}' */
  message?: string;
  /** The supplementary URL. @default '{{ template "pushover.default.url" . }}' */
  link?: string;
  linkTitle?: string;
  sound?: string;
  /** @default '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}' (emergency while firing) */
  priority?: string;
  /** How often an emergency notification is repeated. @default 60000 */
  retryMs?: number;
  /** When emergency repeats stop. @default 3600000 */
  expireMs?: number;
  /** Send the message as HTML. @default false */
  html?: boolean;
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

type Secrets = 'userKey' | 'userKeyFile' | 'token' | 'tokenFile' | 'templates';
type Parsed = Required<Omit<PushoverNotifierOptions, Secrets>> & Pick<PushoverNotifierOptions, Secrets>;

const schema: z.ZodType<Parsed, PushoverNotifierOptions> = z
  .strictObject({
    ...secretFields('userKey', 'recipient user key'),
    ...secretFields('token', 'application API token'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://api.pushover.net/1/messages.json')
      .describe('Messages API URL'),
    title: z.string().default('{{ template "pushover.default.title" . }}').describe('Title (a template)'),
    message: z
      .string()
      .default('{{ template "pushover.default.message" . }}')
      .describe('Message (a template)'),
    link: z
      .string()
      .default('{{ template "pushover.default.url" . }}')
      .describe('Supplementary URL (a template)'),
    linkTitle: z.string().default('').describe('Title of the supplementary URL (a template)'),
    sound: z.string().default('').describe('Sound (a template)'),
    priority: z
      .string()
      .default('{{ if eq .Status "firing" }}2{{ else }}0{{ end }}')
      .describe('Priority -2…2 (a template)'),
    retryMs: z.number().int().nonnegative().default(60_000).describe('Emergency repeat interval'),
    expireMs: z.number().int().nonnegative().default(3_600_000).describe('Emergency repeats stop after this'),
    html: z.boolean().default(false).describe('Send the message as HTML'),
    sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
    templates: templatesOption,
  })
  .refine(...oneSecret('userKey'))
  .refine(...oneSecret('token')) as z.ZodType<Parsed, PushoverNotifierOptions>;

/** The message parameters (without the secrets), as Alertmanager 0.25 fills them. */
export function pushoverParams(n: Notification, o: Parsed): Record<string, string> {
  const data = templateData(n);
  const t = templatesOf(o.templates);
  const tmpl = (s: string) => t.text(s, data);
  const message = truncateRunes(o.html ? t.html(o.message, data) : tmpl(o.message), 1024).trim();
  return {
    title: truncateRunes(tmpl(o.title), 250),
    ...(o.html ? { html: '1' } : {}),
    message: message === '' ? '(no details)' : message,
    url: truncateRunes(tmpl(o.link), 512),
    url_title: tmpl(o.linkTitle),
    priority: tmpl(o.priority),
    retry: String(Math.trunc(o.retryMs / 1000)),
    expire: String(Math.trunc(o.expireMs / 1000)),
    sound: tmpl(o.sound),
  };
}

/**
 * Pushover messages API, as Alertmanager 0.25 calls it: a POST whose parameters are in the query string (sorted,
 * as Go encodes them). 2xx is success; 429 and 5xx are retried; other 4xx (bad token or user) are not.
 * @example pushoverNotifier({ userKeyFile: '/run/secrets/po-user', tokenFile: '/run/secrets/po-token' })
 */
export const pushoverNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'pushover',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('pushover', () => {
        const q = new URLSearchParams({
          ...pushoverParams(n, o),
          token: readSecret('token', o.token, o.tokenFile),
          user: readSecret('userKey', o.userKey, o.userKeyFile),
        });
        q.sort();
        const u = new URL(o.url);
        u.search = q.toString();
        return postJson({
          url: u.toString(),
          body: '',
          contentType: 'text/plain',
          signal: ctx.signal,
          http: ctx.http,
          what: 'pushover',
        });
      }),
  }),
});
