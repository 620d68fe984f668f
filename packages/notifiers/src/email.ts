import {
  defineNotifier,
  type HttpTlsConfig,
  type Notification,
  type Notifier,
  type NotifyResult,
  tlsConnectOptions,
} from '@argus/alerting';
import type { Factory } from '@argus/core';
import { createTransport, type Transporter } from 'nodemailer';
import { z } from 'zod';
import { templateData } from './am/data.js';
import type { AmTemplates } from './am/templates.js';
import { alertLine, title } from './common.js';
import { exactlyOne, readSecret, templatesOf, templatesOption, tlsOption } from './receiver.js';

/** Options of {@link emailNotifier}. */
export interface EmailNotifierOptions {
  /** SMTP server host. */
  host: string;
  /** @default 587 (25 when `secure` is false and no auth is given is also common) */
  port?: number;
  /** TLS from the start (port 465). Otherwise STARTTLS is used when the server offers it. @default false */
  secure?: boolean;
  /** Refuse to send without STARTTLS. @default false */
  requireTLS?: boolean;
  /** SMTP AUTH (the password is a secret: never logged). */
  /** SMTP AUTH; the password (a secret) inline or in `passFile`, read at each send as Alertmanager reads `auth_password_file`. */
  auth?: { user: string; pass?: string; passFile?: string };
  from: string;
  to: string | string[];
  /** @default false, as Alertmanager's email_configs */
  sendResolved?: boolean;
  /** Deadline of connecting and of each SMTP step. @default 10000 */
  timeoutMs?: number;
  /** The name sent with EHLO/HELO (Alertmanager's `hello`). @default the host name */
  hello?: string;
  /**
   * TLS of the SMTP connection (Alertmanager's `tls_config`): a private CA, a client certificate, the name
   * checked against the server's certificate. Files are read when the connection is set up.
   */
  tls?: HttpTlsConfig;
  /**
   * Render the mail with Alertmanager templates instead of Argus's own layout: `subject`, `html` and `text` are
   * templates (Alertmanager's defaults: `email.default.subject`, `email.default.html`, no text part).
   */
  alertmanager?: { subject?: string; html?: string; text?: string; templates?: AmTemplates };
}

interface Parsed {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  auth?: { user: string; pass?: string | undefined; passFile?: string | undefined } | undefined;
  from: string;
  to: string[];
  sendResolved: boolean;
  timeoutMs: number;
  hello?: string | undefined;
  tls?: HttpTlsConfig | undefined;
  alertmanager?:
    | { subject: string; html: string; text: string; templates?: AmTemplates | undefined }
    | undefined;
}

const schema: z.ZodType<Parsed, EmailNotifierOptions> = z.strictObject({
  host: z.string().min(1).describe('SMTP server host'),
  port: z.number().int().min(1).max(65535).default(587).describe('SMTP port'),
  secure: z.boolean().default(false).describe('TLS from the start (port 465)'),
  requireTLS: z.boolean().default(false).describe('Refuse to send without STARTTLS'),
  auth: z
    .strictObject({ user: z.string(), pass: z.string().optional(), passFile: z.string().min(1).optional() })
    .refine((a) => exactlyOne(a.pass, a.passFile), { message: 'give exactly one of pass and passFile' })
    .optional()
    .describe('SMTP AUTH credentials'),
  from: z.string().min(3).describe('Sender address'),
  to: z
    .union([z.string().min(3), z.array(z.string().min(3)).min(1)])
    .transform((t) => (Array.isArray(t) ? t : [t]))
    .describe('Recipient address(es)'),
  sendResolved: z.boolean().default(false).describe('Send resolved notifications'),
  timeoutMs: z.number().int().positive().default(10_000).describe('Connection and command timeout, ms'),
  hello: z.string().min(1).optional().describe('Name sent with EHLO'),
  tls: tlsOption,
  alertmanager: z
    .strictObject({
      subject: z.string().default('{{ template "email.default.subject" . }}'),
      html: z.string().default('{{ template "email.default.html" . }}'),
      text: z.string().default(''),
      templates: templatesOption,
    })
    .optional()
    .describe("Render subject, HTML and text with Alertmanager's templates"),
});

/** The mail as Alertmanager renders it: subject, HTML and, when its template is set, a text part. */
function alertmanagerMessage(
  n: Notification,
  a: NonNullable<Parsed['alertmanager']>,
): { subject: string; html: string; text?: string } {
  const t = templatesOf(a.templates);
  const data = templateData(n);
  const text = a.text ? { text: t.text(a.text, data) } : {};
  return { subject: t.text(a.subject, data), html: t.html(a.html, data), ...text };
}

/** The subject, plain text and HTML of the mail for a notification. */
export function emailMessage(n: Notification): { subject: string; text: string; html: string } {
  const lines = n.alerts.map(
    (a) => `${a.status === 'firing' ? 'FIRING' : 'RESOLVED'}: ${alertLine(a, n.commonLabels)}`,
  );
  const labels = Object.entries(n.commonLabels).map(([k, v]) => `${k}=${v}`);
  const text = [...lines, '', `Labels: ${labels.join(', ')}`, `Receiver: ${n.receiver} (${n.reason})`].join(
    '\n',
  );
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<h3>${esc(title(n))}</h3><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul><p>${esc(labels.join(', '))}</p>`;
  return { subject: title(n), text, html };
}

/** Maps a nodemailer error: SMTP 4xx and connection errors are transient, 5xx permanent; the password never shows. */
function classify(err: unknown, pass: string | undefined): NotifyResult {
  const e = err as Error & { responseCode?: number; code?: string; response?: string };
  const code = e.responseCode;
  const retryable = code === undefined ? true : code < 500;
  let detail = code === undefined ? (e.code ?? e.name) : `${code} ${(e.response ?? '').slice(0, 120)}`;
  if (pass) detail = detail.split(pass).join('***');
  return {
    ok: false,
    retryable,
    error: new Error(`email: SMTP ${retryable ? 'transient' : 'permanent'} failure: ${detail}`),
  };
}

/**
 * Email over SMTP through nodemailer: one mail per notification (subject `[FIRING:2] HighCPU`, a line per alert,
 * plain text and HTML). SMTP 4xx replies and connection failures are retried by the outbox; 5xx are not.
 * @example emailNotifier({ host: 'smtp.example.com', auth: { user, pass }, from: 'argus@example.com', to: 'ops@example.com' })
 */
export const emailNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'email',
  options: schema,
  create: (o) => emailBody(o),
});

function emailBody(o: Parsed): Omit<Notifier, 'kind' | 'name' | 'type'> {
  let cached: { pass: string | undefined; transport: Transporter } | undefined;
  // one transport per password, so a rotated passFile takes effect at the next send
  const transportFor = (pass: string | undefined): Transporter => {
    if (cached && cached.pass === pass) return cached.transport;
    cached?.transport.close();
    const transport = createTransport({
      ...(o.hello ? { name: o.hello } : {}),
      ...(o.tls ? { tls: tlsConnectOptions(o.tls) } : {}),
      host: o.host,
      port: o.port,
      secure: o.secure,
      requireTLS: o.requireTLS,
      ...(o.auth && pass !== undefined ? { auth: { user: o.auth.user, pass } } : {}),
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
    });
    cached = { pass, transport };
    return transport;
  };
  return {
    sendResolved: o.sendResolved,
    async send(n, ctx) {
      if (ctx.signal.aborted) return { ok: false, retryable: true, error: new Error('email: aborted') };
      const aborted = new Promise<NotifyResult>((resolve) =>
        ctx.signal.addEventListener(
          'abort',
          () => resolve({ ok: false, retryable: true, error: new Error('email: aborted') }),
          { once: true },
        ),
      );
      let message: ReturnType<typeof alertmanagerMessage>;
      let pass: string | undefined;
      let transport: Transporter;
      try {
        message = o.alertmanager ? alertmanagerMessage(n, o.alertmanager) : emailMessage(n);
        pass = o.auth ? readSecret('auth.pass', o.auth.pass, o.auth.passFile) : undefined;
        transport = transportFor(pass);
      } catch (e) {
        return { ok: false, retryable: false, error: new Error(`email: ${(e as Error).message}`) };
      }
      const sent = transport.sendMail({ from: o.from, to: o.to, ...message }).then(
        (): NotifyResult => ({ ok: true }),
        (err: unknown) => classify(err, pass),
      );
      return Promise.race([sent, aborted]);
    },
  };
}
