import { defineNotifier, type Notification, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import { templateData } from './am/data.js';
import type { AmTemplates } from './am/templates.js';
import { assumeRole, readProfile } from './aws-credentials.js';
import { dedupKey } from './pagerduty.js';
import { guarded, readSecret, templatesOf, templatesOption } from './receiver.js';
import { type AwsCredentials, signV4 } from './sigv4.js';

/** Options of {@link snsNotifier} (Alertmanager's `sns_configs`); exactly one of topicArn, targetArn, phoneNumber. */
export interface SnsNotifierOptions {
  /** The AWS region, e.g. `eu-west-1`. */
  region: string;
  /** @default `https://sns.<region>.amazonaws.com/` */
  url?: string;
  /** Static credentials; without them `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` are read at send time. */
  accessKey?: string;
  /** A secret: never logged; or `secretKeyFile`. */
  secretKey?: string;
  secretKeyFile?: string;
  /**
   * A profile of the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`), read at
   * each send; used when no `accessKey` is given, before the `AWS_*` environment.
   */
  profile?: string;
  /** A role to assume with STS AssumeRole, called with the credentials above; its temporary keys sign Publish. */
  roleArn?: string;
  /** STS endpoint of `roleArn`. @default `https://sts.<region>.amazonaws.com/` */
  stsUrl?: string;
  topicArn?: string;
  targetArn?: string;
  /** An E.164 phone number for SMS (messages cut to 1600 bytes). */
  phoneNumber?: string;
  /** @default '{{ template "sns.default.subject" . }}' */
  subject?: string;
  /** @default '{{ template "sns.default.message" . }}' */
  message?: string;
  /** String message attributes (templates). */
  attributes?: Record<string, string>;
  /** @default true */
  sendResolved?: boolean;
  /** The signing clock. @default Date.now */
  now?: () => number;
  templates?: AmTemplates;
}

type Opt =
  | 'url'
  | 'accessKey'
  | 'secretKey'
  | 'secretKeyFile'
  | 'profile'
  | 'roleArn'
  | 'stsUrl'
  | 'topicArn'
  | 'targetArn'
  | 'phoneNumber'
  | 'templates';
type Parsed = Required<Omit<SnsNotifierOptions, Opt>> & Pick<SnsNotifierOptions, Opt>;

const str = (d: string) => z.string().min(1).optional().describe(d);
const schema: z.ZodType<Parsed, SnsNotifierOptions> = z
  .strictObject({
    region: z.string().min(1).describe('AWS region'),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('SNS endpoint'),
    accessKey: str('AWS access key id'),
    secretKey: str('AWS secret access key'),
    secretKeyFile: str('File holding the secret access key, read at each send'),
    profile: str('Profile of the shared AWS credentials file'),
    roleArn: str('Role to assume with STS'),
    stsUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('STS endpoint'),
    topicArn: str('Topic ARN (a template)'),
    targetArn: str('Target (endpoint) ARN (a template)'),
    phoneNumber: str('Phone number for SMS (a template)'),
    subject: z.string().default('{{ template "sns.default.subject" . }}').describe('Subject (a template)'),
    message: z.string().default('{{ template "sns.default.message" . }}').describe('Message (a template)'),
    attributes: z.record(z.string(), z.string()).default({}).describe('Message attributes (templates)'),
    sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
    now: z
      .custom<() => number>((v) => typeof v === 'function')
      .default(() => Date.now)
      .describe('Clock'),
    templates: templatesOption,
  })
  .refine((o) => [o.topicArn, o.targetArn, o.phoneNumber].filter(Boolean).length === 1, {
    message: 'give exactly one of topicArn, targetArn and phoneNumber',
    path: ['topicArn'],
  })
  .refine((o) => !(o.secretKey && o.secretKeyFile), {
    message: 'give at most one of secretKey and secretKeyFile',
    path: ['secretKey'],
  }) as z.ZodType<Parsed, SnsNotifierOptions>;

/** Cuts `s` to `max` UTF-8 bytes, as Alertmanager does (it then marks the message `truncated`). */
function cutBytes(s: string, max: number): [string, boolean] {
  const b = Buffer.from(s, 'utf8');
  return b.length <= max ? [s, false] : [b.subarray(0, max).toString('utf8'), true];
}

/** The SNS `Publish` parameters for a notification, as Alertmanager 0.25 fills them. */
export function snsPublishParams(n: Notification, o: Parsed): Record<string, string> {
  const data = templateData(n);
  const t = templatesOf(o.templates);
  const tmpl = (s: string) => t.text(s, data);
  const p: Record<string, string> = { Action: 'Publish', Version: '2010-03-31' };
  if (o.topicArn) {
    p['TopicArn'] = tmpl(o.topicArn);
    if (p['TopicArn'].endsWith('.fifo'))
      p['MessageDeduplicationId'] = p['MessageGroupId'] = dedupKey(n.groupKey);
  }
  if (o.phoneNumber) p['PhoneNumber'] = tmpl(o.phoneNumber);
  if (o.targetArn) p['TargetArn'] = tmpl(o.targetArn);
  const [message, cut] = cutBytes(tmpl(o.message), o.phoneNumber ? 1600 : 256 * 1024);
  p['Message'] = message;
  const attrs = Object.entries(o.attributes).map(([k, v]) => [tmpl(k), tmpl(v)] as const);
  if (cut) attrs.push(['truncated', 'true']);
  attrs.forEach(([k, v], i) => {
    const e = `MessageAttributes.entry.${i + 1}`;
    Object.assign(p, { [`${e}.Name`]: k, [`${e}.Value.DataType`]: 'String', [`${e}.Value.StringValue`]: v });
  });
  if (o.subject) p['Subject'] = tmpl(o.subject);
  return p;
}

/** The form body as the AWS SDK encodes it: keys sorted, spaces as `%20`. */
export function formEncode(p: Readonly<Record<string, string>>): string {
  const q = new URLSearchParams(p);
  q.sort();
  return q.toString().replace(/\+/g, '%20');
}

function credentials(o: Parsed): AwsCredentials {
  if (!o.accessKey && o.profile) return readProfile(o.profile);
  const accessKey = o.accessKey ?? process.env['AWS_ACCESS_KEY_ID'];
  const secretKey =
    o.secretKey || o.secretKeyFile
      ? readSecret('secretKey', o.secretKey, o.secretKeyFile)
      : process.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKey || !secretKey)
    throw new Error(
      'no credentials: set accessKey and secretKey, or profile (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    );
  const token = o.accessKey ? undefined : process.env['AWS_SESSION_TOKEN'];
  return { accessKey, secretKey, ...(token ? { sessionToken: token } : {}) };
}

/**
 * Amazon SNS `Publish` through the query API, signed with AWS Signature V4 (no AWS SDK). 2xx is success; 429 and
 * 5xx are retried, other 4xx are not. Credentials: static keys, a shared-file `profile` or the `AWS_*` environment,
 * optionally exchanged for a role's temporary keys (`roleArn`, STS AssumeRole).
 * @example snsNotifier({ region: 'eu-west-1', topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' })
 */
export const snsNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'sns',
  options: schema,
  create: (o) => {
    const role = o.roleArn
      ? assumeRole({
          roleArn: o.roleArn,
          url: o.stsUrl ?? `https://sts.${o.region}.amazonaws.com/`,
          region: o.region,
          base: () => credentials(o),
          now: o.now,
        })
      : undefined;
    return {
      sendResolved: o.sendResolved,
      send: (n, ctx) =>
        guarded('sns', async () => {
          const creds = role ? await role(ctx.signal, ctx.http) : credentials(o);
          if ('ok' in creds) return creds;
          const body = formEncode(snsPublishParams(n, o));
          const url = o.url ?? `https://sns.${o.region}.amazonaws.com/`;
          const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
          const req = { method: 'POST', url, body, region: o.region, service: 'sns', at: new Date(o.now()) };
          const signed = signV4({ ...req, headers: { 'content-type': contentType } }, creds);
          return postJson({
            url,
            body,
            contentType,
            headers: signed,
            signal: ctx.signal,
            http: ctx.http,
            what: 'sns',
          });
        }),
    };
  },
});
