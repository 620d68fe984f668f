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

/** A Slack attachment field (templates). */
export interface SlackField {
  title: string;
  value: string;
  short?: boolean;
}

/** Options of {@link slackAttachmentsNotifier} (Alertmanager's `slack_configs`); text fields are templates. */
export interface SlackAttachmentsNotifierOptions {
  /** The incoming-webhook or chat.postMessage URL (a secret: never logged); or `urlFile`. */
  url?: string;
  urlFile?: string;
  channel?: string;
  /** @default '{{ template "slack.default.username" . }}' */
  username?: string;
  /** @default '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}' */
  color?: string;
  /** @default '{{ template "slack.default.title" . }}' */
  title?: string;
  /** @default '{{ template "slack.default.titlelink" . }}' */
  titleLink?: string;
  /** @default '{{ template "slack.default.pretext" . }}' */
  pretext?: string;
  /** @default '{{ template "slack.default.text" . }}' */
  text?: string;
  /** @default '{{ template "slack.default.fallback" . }}' */
  fallback?: string;
  /** @default '{{ template "slack.default.callbackid" . }}' */
  callbackId?: string;
  /** @default '{{ template "slack.default.footer" . }}' */
  footer?: string;
  /** @default '{{ template "slack.default.iconemoji" . }}' */
  iconEmoji?: string;
  /** @default '{{ template "slack.default.iconurl" . }}' */
  iconUrl?: string;
  imageUrl?: string;
  thumbUrl?: string;
  linkNames?: boolean;
  /** @default ['fallback', 'pretext', 'text'] */
  mrkdwnIn?: string[];
  fields?: SlackField[];
  shortFields?: boolean;
  /** Message buttons, as Alertmanager's `actions`. */
  actions?: SlackAction[];
  /** @default false */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

/** A message button (Slack's legacy attachment `actions`); every string is a template. */
export interface SlackAction {
  type?: string;
  text?: string;
  url?: string;
  style?: string;
  name?: string;
  value?: string;
  confirm?: { title?: string; text?: string; okText?: string; dismissText?: string };
}

type Opt = 'url' | 'urlFile' | 'templates' | 'fields' | 'actions';
type Parsed = Required<Omit<SlackAttachmentsNotifierOptions, Opt>> &
  Pick<SlackAttachmentsNotifierOptions, Opt>;

const t = (name: string) =>
  z.string().default(`{{ template "slack.default.${name}" . }}`).describe(`${name} (a template)`);
const schema: z.ZodType<Parsed, SlackAttachmentsNotifierOptions> = z
  .strictObject({
    ...secretFields('url', 'Slack webhook URL'),
    channel: z.string().default('').describe('Channel (a template)'),
    username: t('username'),
    color: z.string().default('{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}').describe('Colour'),
    title: t('title'),
    titleLink: t('titlelink'),
    pretext: t('pretext'),
    text: t('text'),
    fallback: t('fallback'),
    callbackId: t('callbackid'),
    footer: t('footer'),
    iconEmoji: t('iconemoji'),
    iconUrl: t('iconurl'),
    imageUrl: z.string().default('').describe('Image URL (a template)'),
    thumbUrl: z.string().default('').describe('Thumbnail URL (a template)'),
    linkNames: z.boolean().default(false).describe('Link channel and user names'),
    mrkdwnIn: z.array(z.string()).default([]).describe('Attachment fields rendered as mrkdwn'),
    fields: z
      .array(z.strictObject({ title: z.string(), value: z.string(), short: z.boolean().optional() }))
      .optional()
      .describe('Attachment fields (templates)'),
    shortFields: z.boolean().default(false).describe("Default of each field's `short`"),
    actions: z
      .array(
        z.strictObject({
          type: z.string().optional(),
          text: z.string().optional(),
          url: z.string().optional(),
          style: z.string().optional(),
          name: z.string().optional(),
          value: z.string().optional(),
          confirm: z
            .strictObject({
              title: z.string().optional(),
              text: z.string().optional(),
              okText: z.string().optional(),
              dismissText: z.string().optional(),
            })
            .optional(),
        }),
      )
      .optional()
      .describe('Message buttons (templates)'),
    sendResolved: z.boolean().default(false).describe('Send resolved notifications'),
    templates: templatesOption,
  })
  .refine(...oneSecret('url')) as z.ZodType<Parsed, SlackAttachmentsNotifierOptions>;

/** The Slack message with one attachment, as Alertmanager 0.25 builds it. */
export function slackAttachmentMessage(n: Notification, o: Parsed): Record<string, unknown> {
  const data = templateData(n);
  const ts = templatesOf(o.templates);
  const tmpl = (s: string) => ts.text(s, data);
  const fields = o.fields?.map((f) => ({
    title: tmpl(f.title),
    value: tmpl(f.value),
    short: f.short ?? o.shortFields,
  }));
  // Go's omitempty on every member of an action and of its confirmation
  const some = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).filter(([, v]) => v !== ''));
  const actions = o.actions?.map((a) => {
    const c = a.confirm;
    const confirm = c
      ? {
          confirm: some({
            text: tmpl(c.text ?? ''),
            title: tmpl(c.title ?? ''),
            ok_text: tmpl(c.okText ?? ''),
            dismiss_text: tmpl(c.dismissText ?? ''),
          }),
        }
      : {};
    const own = { type: a.type, text: a.text, url: a.url, style: a.style, name: a.name, value: a.value };
    return {
      ...some(Object.fromEntries(Object.entries(own).map(([k, v]) => [k, tmpl(v ?? '')]))),
      ...confirm,
    };
  });
  const attachment = {
    title: truncateRunes(tmpl(o.title), 1024),
    title_link: tmpl(o.titleLink),
    pretext: tmpl(o.pretext),
    text: tmpl(o.text),
    fallback: tmpl(o.fallback),
    callback_id: tmpl(o.callbackId),
    fields,
    actions,
    image_url: tmpl(o.imageUrl),
    thumb_url: tmpl(o.thumbUrl),
    footer: tmpl(o.footer),
    color: tmpl(o.color),
    mrkdwn_in: o.mrkdwnIn.length > 0 ? o.mrkdwnIn : ['fallback', 'pretext', 'text'],
  };
  // Go's omitempty on these; text, fallback, callback_id and footer are always sent
  const keep = new Set(['text', 'fallback', 'callback_id', 'footer']);
  const att = Object.fromEntries(
    Object.entries(attachment).filter(
      ([k, v]) => keep.has(k) || (v !== '' && v !== undefined && !(Array.isArray(v) && v.length === 0)),
    ),
  );
  const head = Object.fromEntries(
    Object.entries({
      channel: tmpl(o.channel),
      username: tmpl(o.username),
      icon_emoji: tmpl(o.iconEmoji),
      icon_url: tmpl(o.iconUrl),
      link_names: o.linkNames,
    }).filter(([, v]) => v !== '' && v !== false),
  );
  return { ...head, attachments: [att] };
}

/**
 * Slack as Alertmanager 0.25 sends it: one legacy attachment rendered from Alertmanager's templates (what
 * `slack_configs` in an alertmanager.yml sends). For Argus's own Block Kit layout use `slackNotifier`. 2xx is
 * success; 429 (after `Retry-After`) and 5xx are retried; other 4xx are not.
 * @example slackAttachmentsNotifier({ urlFile: '/run/secrets/slack', channel: '#alerts' })
 */
export const slackAttachmentsNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'slack',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('slack', () => {
        const body = slackAttachmentMessage(n, o);
        const url = readSecret('url', o.url, o.urlFile);
        return postJson({ url, body, signal: ctx.signal, http: ctx.http, what: 'slack' });
      }),
  }),
});
