import {
  defineNotifier,
  type Notification,
  type Notifier,
  type NotifyContext,
  type NotifyResult,
  postJson,
} from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { templateData } from './am/data.js';
import type { AmTemplates } from './am/templates.js';
import {
  guarded,
  omitEmpty,
  oneSecret,
  readSecret,
  secretFields,
  templatesOf,
  templatesOption,
} from './receiver.js';

/** Options of {@link wechatNotifier} (Alertmanager's `wechat_configs`); text fields are templates. */
export interface WechatNotifierOptions {
  /** The application secret (a secret: never logged); or `apiSecretFile`. */
  apiSecret?: string;
  apiSecretFile?: string;
  corpId: string;
  /** @default 'https://qyapi.weixin.qq.com/cgi-bin/' */
  url?: string;
  /** @default '{{ template "wechat.default.message" . }}' */
  message?: string;
  /** `text` or `markdown`. @default 'text' */
  messageType?: 'text' | 'markdown';
  /** @default '{{ template "wechat.default.to_user" . }}' */
  toUser?: string;
  /** @default '{{ template "wechat.default.to_party" . }}' */
  toParty?: string;
  /** @default '{{ template "wechat.default.to_tag" . }}' */
  toTag?: string;
  /** @default '{{ template "wechat.default.agent_id" . }}' */
  agentId?: string;
  /** @default false */
  sendResolved?: boolean;
  /** The clock for the access token's 2-hour lifetime. @default Date.now */
  now?: () => number;
  templates?: AmTemplates;
}

type Opt = 'apiSecret' | 'apiSecretFile' | 'templates';
type Parsed = Required<Omit<WechatNotifierOptions, Opt>> & Pick<WechatNotifierOptions, Opt>;

const tmplDefault = (name: string) =>
  z.string().default(`{{ template "wechat.default.${name}" . }}`).describe(`${name} (a template)`);
const schema: z.ZodType<Parsed, WechatNotifierOptions> = z
  .strictObject({
    ...secretFields('apiSecret', 'application secret'),
    corpId: z.string().min(1).describe('Corporation id'),
    url: z
      .url({ protocol: /^https?$/ })
      .default('https://qyapi.weixin.qq.com/cgi-bin/')
      .describe('API base URL'),
    message: tmplDefault('message'),
    messageType: z.enum(['text', 'markdown']).default('text').describe('Message type'),
    toUser: tmplDefault('to_user'),
    toParty: tmplDefault('to_party'),
    toTag: tmplDefault('to_tag'),
    agentId: tmplDefault('agent_id'),
    sendResolved: z.boolean().default(false).describe('Send resolved notifications'),
    now: z
      .custom<() => number>((v) => typeof v === 'function')
      .default(() => Date.now)
      .describe('Clock'),
    templates: templatesOption,
  })
  .refine(...oneSecret('apiSecret')) as z.ZodType<Parsed, WechatNotifierOptions>;

/** WeChat's access tokens live two hours. */
const TOKEN_TTL_MS = 2 * 3_600_000;

/** The `message/send` body for a notification, as Alertmanager 0.25 builds it. */
export function wechatMessage(n: Notification, o: Parsed): Record<string, unknown> {
  const data = templateData(n);
  const t = templatesOf(o.templates);
  const tmpl = (s: string) => t.text(s, data);
  const content = { content: tmpl(o.message) };
  const none = { content: '' };
  return {
    text: o.messageType === 'markdown' ? none : content,
    ...omitEmpty({
      touser: tmpl(o.toUser),
      toparty: tmpl(o.toParty),
      totag: tmpl(o.toTag),
      agentid: tmpl(o.agentId),
      safe: '0',
      msgtype: o.messageType,
    }),
    markdown: o.messageType === 'markdown' ? content : none,
  };
}

const fail = (retryable: boolean, why: string): NotifyResult => ({
  ok: false,
  retryable,
  error: new Error(`wechat: ${why}`),
});

/** The API's `errcode`/`errmsg` or `access_token` from a JSON answer. */
function answer(body: string | undefined): { errcode?: number; errmsg?: string; access_token?: string } {
  try {
    return JSON.parse(body ?? '') as { errcode?: number; errmsg?: string; access_token?: string };
  } catch {
    return { errcode: -1, errmsg: 'the answer is not JSON' };
  }
}

/**
 * WeChat Work (WeCom) application messages, as Alertmanager 0.25 sends them: an access token from `gettoken`
 * (kept two hours), then `message/send`. `errcode` 0 is success; 42001 (token expired) drops the token and is
 * retried; other codes are not; HTTP errors as every notifier.
 * @example wechatNotifier({ apiSecretFile: '/run/secrets/wechat', corpId: 'ww…', agentId: '1000002', toUser: '@all' })
 */
export const wechatNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'wechat',
  options: schema,
  create: (o) => {
    let token: { value: string; at: number } | undefined;
    const base = o.url.endsWith('/') ? o.url : `${o.url}/`;
    const fetchToken = async (ctx: NotifyContext): Promise<string | NotifyResult> => {
      if (token && o.now() - token.at <= TOKEN_TTL_MS) return token.value;
      const q = new URLSearchParams({
        corpid: o.corpId,
        corpsecret: readSecret('apiSecret', o.apiSecret, o.apiSecretFile),
      });
      q.sort();
      const res = await postJson({
        url: `${base}gettoken?${q}`,
        method: 'GET',
        body: undefined,
        signal: ctx.signal,
        http: ctx.http,
        what: 'wechat',
      });
      if (!res.ok) return res;
      const a = answer(res.body);
      if (!a.access_token)
        return fail(false, `no access token for corpId ${o.corpId} (errcode ${a.errcode ?? '?'})`);
      token = { value: a.access_token, at: o.now() };
      return token.value;
    };
    return {
      sendResolved: o.sendResolved,
      send: (n, ctx) =>
        guarded('wechat', async () => {
          const body = wechatMessage(n, o);
          const t = await fetchToken(ctx);
          if (typeof t !== 'string') return t;
          const url = `${base}message/send?access_token=${encodeURIComponent(t)}`;
          const res = await postJson({ url, body, signal: ctx.signal, http: ctx.http, what: 'wechat' });
          if (!res.ok) return res;
          const a = answer(res.body);
          if (a.errcode === 0) return { ok: true };
          if (a.errcode === 42001) token = undefined;
          return fail(a.errcode === 42001, `errcode ${a.errcode}: ${a.errmsg ?? ''}`);
        }),
    };
  },
});
