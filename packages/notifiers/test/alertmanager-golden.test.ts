// Golden tests: the real Alertmanager 0.25 sends one group to every receiver type whose endpoint it lets us set
// (slack, pagerduty v2, opsgenie, victorops, discord, webex, telegram, wechat, email, and the webhook that carries
// its data). Argus's
// notifiers, built by createNotifierIntegrations from the same alertmanager.yml, then send the same group (read
// back from the webhook body) to a second recorder; each body must equal Alertmanager's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadAlertmanagerConfig,
  type Notification,
  type NotifiedAlert,
  type Notifier,
} from '@argus/alerting';
import { describeWithBinary, type RunningServer, startAlertmanager } from '@argus/testkit';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNotifierIntegrations, templatesForConfig } from '../src/index.js';

interface Got {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

/** Records every request; answers what each API answers on success (one body that satisfies all clients). */
async function recorder(): Promise<{ server: Server; url: string; got: Got[] }> {
  const got: Got[] = [];
  const answer = JSON.stringify({
    ok: true,
    result: { message_id: 1, chat: { id: 42 } },
    errcode: 0,
    errmsg: 'ok',
    access_token: 'TOKEN',
  });
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, raw });
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, got };
}

async function smtp(): Promise<{ server: SMTPServer; port: number; mails: string[] }> {
  const mails: string[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _s, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push(raw);
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.server.address() as { port: number }).port, mails };
}

// a user template file, as `templates:` loads it: Alertmanager's functions and data model in a custom title
const TEMPLATE_DIR = mkdtempSync(join(tmpdir(), 'am-templates-'));
writeFileSync(
  join(TEMPLATE_DIR, 'custom.tmpl'),
  `{{ define "custom.title" }}{{ .Status | toUpper }} {{ .CommonLabels.team | title }} {{ reReplaceAll ":.*" "" (index .Alerts 0).Labels.instance }} {{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}{{ end }}
{{ define "custom.text" }}{{ range .Alerts.Firing }}{{ .Labels.instance }} {{ .Annotations.summary | toLower }} {{ match "^db" .Labels.instance }}|{{ end }}{{ join "," (stringSlice "a" "b") }} {{ .GroupLabels.Names }}{{ end }}
`,
);

const config = (base: string, smtpPort: number) => `
templates: ['${TEMPLATE_DIR}/*.tmpl']
route: { receiver: all, group_by: [alertname], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }
receivers:
- name: all
  webhook_configs: [{ url: '${base}/webhook' }]
  slack_configs:
  - { api_url: '${base}/slack', channel: '#ops', send_resolved: true }
  - api_url: '${base}/custom/slack'
    send_resolved: true
    http_config: { basic_auth: { username: am, password: pw } }
    fields: [{ title: 'Team', value: '{{ .CommonLabels.team }}', short: true }, { title: Count, value: '{{ len .Alerts }}' }]
    actions:
    - { type: button, text: 'Runbook {{ .GroupLabels.alertname }}', url: 'https://runbooks.example/{{ .GroupLabels.alertname }}', style: primary }
    - type: button
      text: Silence
      name: silence
      value: '{{ .CommonLabels.team }}'
      style: danger
      confirm: { title: 'Silence {{ .Status }}?', text: Sure, ok_text: 'Yes', dismiss_text: '' }
  pagerduty_configs: [{ routing_key: '${'R'.repeat(32)}', url: '${base}/pagerduty', severity: critical }]
  opsgenie_configs: [{ api_key: OGKEY, api_url: '${base}/opsgenie/', tags: 'a,b', priority: P2 }]
  victorops_configs: [{ api_key: VOKEY, routing_key: ops, api_url: '${base}/victorops/' }]
  discord_configs:
  - webhook_url: '${base}/discord'
  - { webhook_url: '${base}/custom/discord', title: '{{ template "custom.title" . }}', message: '{{ template "custom.text" . }}' }
  webex_configs: [{ room_id: ROOM, api_url: '${base}/webex', http_config: { authorization: { credentials: WXTOKEN } } }]
  telegram_configs: [{ bot_token: 'BOT:TOKEN', chat_id: 42, api_url: '${base}/telegram' }]
  wechat_configs: [{ api_secret: WSECRET, corp_id: CORP, api_url: '${base}/wechat/', to_user: '@all', agent_id: '1' }]
  email_configs: [{ to: ops@example.com, from: am@example.com, smarthost: '127.0.0.1:${smtpPort}', require_tls: false }]
`;

/** Alertmanager's webhook body (version 4). */
interface WebhookBody extends Omit<Notification, 'alerts' | 'truncatedAlerts' | 'reason' | 'at'> {
  alerts: (Omit<NotifiedAlert, 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string })[];
}

/** The Notification for the group Alertmanager described in its webhook body. */
function fromWebhook(w: WebhookBody): Notification {
  const { alerts, ...group } = w;
  return {
    ...group,
    alerts: alerts.map(({ startsAt, endsAt, ...a }) => ({
      ...a,
      startsAt: Date.parse(startsAt),
      // a firing alert's endsAt is Go's zero time, which Argus leaves out
      ...(endsAt.startsWith('0001-') ? {} : { endsAt: Date.parse(endsAt) }),
    })),
    truncatedAlerts: 0,
    reason: 'first notification',
    at: Date.now(),
  };
}

/** The HTML part of a raw mail (a single part or one of a multipart), decoded from quoted-printable. */
function htmlPart(raw: string): string {
  const m = /Content-Type: text\/html[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*?\r?\n([\s\S]*?)(?:\r?\n--\w+|$)/i.exec(
    raw,
  );
  const qp = (m?.[1] ?? '').trimEnd();
  return Buffer.from(
    qp
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

const subject = (raw: string) => /^Subject: (.*)$/m.exec(raw)?.[1]?.trim();

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'receivers send what Alertmanager 0.25 sends (golden bodies from the real binary)',
  () => {
    let am: RunningServer;
    let theirs: Awaited<ReturnType<typeof recorder>>;
    let ours: Awaited<ReturnType<typeof recorder>>;
    let amMail: Awaited<ReturnType<typeof smtp>>;
    let ourMail: Awaited<ReturnType<typeof smtp>>;

    beforeAll(async () => {
      [theirs, ours, amMail, ourMail] = await Promise.all([recorder(), recorder(), smtp(), smtp()]);
      am = await startAlertmanager({ config: config(theirs.url, amMail.port) });
      const alert = (instance: string, endsAt?: string) => ({
        labels: { alertname: 'DiskFull', instance, severity: 'page', team: 'db' },
        // characters html/template escapes, in text and in an href
        annotations: {
          summary: `${instance} disk > 90% & "full" + it's <b>bad</b>`,
          runbook: 'https://runbooks/disk',
        },
        startsAt: '2026-12-07T06:00:00.000Z',
        ...(endsAt ? { endsAt } : {}),
        generatorURL: 'http://prom/graph?g0.expr=disk_used{team="db"} > 0.9',
      });
      const post = async (alerts: unknown[]) => {
        const res = await fetch(`${am.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alerts),
        });
        expect(res.status).toBe(200);
      };
      const yml = config(ours.url, ourMail.port);
      const cfg = loadAlertmanagerConfig(yml, {
        integrations: createNotifierIntegrations({
          templates: templatesForConfig(yml, join(TEMPLATE_DIR, 'am.yml')),
        }),
      });
      const webhooks = () => theirs.got.filter((g) => g.path === '/webhook');
      // Alertmanager's notification, then Argus's notifiers on the same group (read from the webhook body)
      const round = async (expected: number) => {
        for (let i = 0; i < 300 && (theirs.got.length < expected || amMail.mails.length < 1); i++)
          await new Promise((r) => setTimeout(r, 100));
        const n = fromWebhook(JSON.parse(webhooks().at(-1)!.raw));
        for (const notifier of cfg.receivers[0]!.notifiers as Notifier[]) {
          if (notifier.name === 'webhook' || (n.status === 'resolved' && notifier.sendResolved === false))
            continue;
          const r = await notifier.send(n, { signal: AbortSignal.timeout(10_000) });
          expect(r, notifier.name).toMatchObject({ ok: true });
        }
      };
      await post([alert('db1:9100'), alert('db2:9100')]);
      // the firing group goes to all twelve endpoints (wechat fetches a token first); email to the SMTP server
      await round(12);
      expect(webhooks().length).toBe(1);
      const past = new Date(Date.now() - 1000).toISOString();
      await post([alert('db1:9100', past), alert('db2:9100', past)]);
      // resolved: everything but wechat and email (send_resolved defaults to false for them)
      await round(22);
      expect(JSON.parse(webhooks().at(-1)!.raw).status).toBe('resolved');
    }, 60_000);

    afterAll(async () => {
      await am?.stop();
      for (const r of [theirs, ours]) r?.server.close();
      for (const m of [amMail, ourMail]) m?.server.close();
    });

    const bodies = (g: Got[], prefix: string) =>
      g
        .filter((x) => x.path.startsWith(prefix))
        .map((x) => ({ path: x.path, body: x.raw ? (JSON.parse(x.raw) as unknown) : null }));

    it.each([
      '/custom/discord',
      '/custom/slack',
      '/slack',
      '/pagerduty',
      '/opsgenie/',
      '/victorops/',
      '/discord',
      '/webex',
      '/telegram',
      '/wechat/',
    ])('%s: the same requests with the same JSON bodies', (prefix) => {
      const a = bodies(theirs.got, prefix);
      expect(a.length).toBeGreaterThanOrEqual(2); // the firing and the resolved notification (wechat: token, message)
      expect(bodies(ours.got, prefix)).toEqual(a);
    });

    it('the user template file renders with the same functions and data model', () => {
      const title = (
        JSON.parse(theirs.got.find((g) => g.path === '/custom/discord')!.raw) as {
          embeds: { title: string }[];
        }
      ).embeds[0]!.title;
      expect(title).toBe('FIRING Db db1 alertname=DiskFull;severity=page;team=db;');
    });

    it('opsgenie, webex and a slack_configs with http_config.basic_auth carry the same credentials header', () => {
      for (const p of ['/opsgenie/', '/webex', '/custom/slack']) {
        const auth = (g: Got[]) => g.find((x) => x.path.startsWith(p))?.headers.authorization;
        expect(auth(ours.got)).toBe(auth(theirs.got));
      }
    });

    it('email: the same subject and the same HTML body (email.default.html)', () => {
      expect(ourMail.mails).toHaveLength(1);
      expect(subject(ourMail.mails[0]!)).toBe(subject(amMail.mails[0]!));
      const theirsHtml = htmlPart(amMail.mails[0]!);
      expect(theirsHtml).toContain('DiskFull');
      expect(htmlPart(ourMail.mails[0]!)).toBe(theirsHtml);
    });
  },
);
