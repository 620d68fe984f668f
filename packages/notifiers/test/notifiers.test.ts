import { createAlertManager, loadAlertmanagerConfig } from '@argus/alerting';
import { localReceiver, sampleNotification as sample, testNotifier } from '@argus/alerting/testing';
import { describe, expect, it } from 'vitest';
import {
  dedupKey,
  notifierIntegrations,
  pagerdutyNotifier,
  slackNotifier,
  teamsNotifier,
} from '../src/index.js';

describe('slack', () => {
  testNotifier(() => slackNotifier({ url: 'http://127.0.0.1:9/services/x' }), {
    badOptions: () => slackNotifier({ url: 'not a url' }),
    http: { make: (url) => slackNotifier({ url }), success: [200, 'ok'] },
  });

  it('sends text as the fallback plus blocks: a header, one section per alert, a context line', async () => {
    const r = await localReceiver();
    await slackNotifier({ url: `${r.url}/services/x` }).send(sample(), {
      signal: new AbortController().signal,
    });
    await r.close();
    const body = r.got[0]!.body as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(body.text).toBe('[FIRING:2] DBDown');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(body.blocks[1]!.text!.text).toContain('db1 is down (instance=db1)');
  });

  it('refuses bad options naming the field', () => {
    expect(() => slackNotifier({ url: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining('url') }),
    );
  });

  it('still accepts the deprecated `webhookUrl`, with one DeprecationWarning per process', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const r = await localReceiver();
      const old = slackNotifier({ webhookUrl: `${r.url}/services/old` });
      teamsNotifier({ webhookUrl: `${r.url}/workflows/old` });
      expect(await old.send(sample(), { signal: new AbortController().signal })).toMatchObject({ ok: true });
      await r.close();
      expect(r.got[0]!.path).toBe('/services/old');
      await new Promise((resolve) => setImmediate(resolve));
      const dep = warnings.filter((w) => (w as { code?: string }).code === 'ARGUS_DEP_WEBHOOK_URL');
      expect(dep).toHaveLength(1);
      expect(dep[0]!.message).toContain('`url`');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('pagerduty', () => {
  testNotifier(
    () => pagerdutyNotifier({ routingKey: 'R'.repeat(32), url: 'http://127.0.0.1:9/v2/enqueue' }),
    {
      badOptions: () => pagerdutyNotifier({ routingKey: '' }),
      http: {
        make: (url) => pagerdutyNotifier({ routingKey: 'R'.repeat(32), url }),
        success: [202, '{"status":"success","message":"Event processed"}'],
      },
    },
  );

  it('triggers with dedup_key = SHA-256 hex of the group key, and resolves with the same key', async () => {
    const r = await localReceiver([202, {}, '{"status":"success"}']);
    const pd = pagerdutyNotifier({ routingKey: 'k'.repeat(32), url: `${r.url}/v2/enqueue` });
    const ctx = { signal: new AbortController().signal };
    await pd.send(sample(), ctx);
    await pd.send(sample('resolved'), ctx);
    await r.close();
    const [trigger, resolve] = r.got.map((g) => g.body as Record<string, unknown>);
    const expected = (await import('node:crypto'))
      .createHash('sha256')
      .update('{}/{team="db"}:{alertname="DBDown"}')
      .digest('hex');
    expect(dedupKey('{}/{team="db"}:{alertname="DBDown"}')).toBe(expected);
    expect(trigger).toMatchObject({
      routing_key: 'k'.repeat(32),
      event_action: 'trigger',
      dedup_key: expected,
      payload: { severity: 'critical', source: 'argus', class: 'DBDown' },
    });
    expect((trigger!['payload'] as { summary: string }).summary.length).toBeLessThanOrEqual(1024);
    expect(resolve).toEqual({ routing_key: 'k'.repeat(32), dedup_key: expected, event_action: 'resolve' });
  });
});

describe('teams', () => {
  testNotifier(() => teamsNotifier({ url: 'http://127.0.0.1:9/workflows/x' }), {
    badOptions: () => teamsNotifier({ url: 'ftp://x' }),
    http: { make: (url) => teamsNotifier({ url }), success: [202, ''] },
  });

  it('sends one Adaptive Card in a message, as a Workflows webhook expects', async () => {
    const r = await localReceiver([202, {}, '']);
    await teamsNotifier({ url: `${r.url}/workflows/x/invoke?sig=s` }).send(sample(), {
      signal: new AbortController().signal,
    });
    await r.close();
    const body = r.got[0]!.body as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; version: string; body: { type: string; text?: string }[] };
      }[];
    };
    expect(body.type).toBe('message');
    expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]!.content).toMatchObject({ type: 'AdaptiveCard', version: '1.2' });
    expect(body.attachments[0]!.content.body[0]!.text).toBe('[FIRING:2] DBDown');
  });
});

describe('alertmanager.yml integrations', () => {
  it('builds Slack, PagerDuty and Teams receivers from an unchanged config, with Alertmanager defaults', () => {
    const cfg = loadAlertmanagerConfig(
      `
global: { slack_api_url: 'https://hooks.slack.com/services/T/B/X' }
route: { receiver: slack }
receivers:
  - name: slack
    slack_configs: [{ channel: '#ops' }]
  - name: pd
    pagerduty_configs: [{ routing_key: abc }]
  - name: teams
    msteamsv2_configs: [{ webhook_url: 'https://example.logic.azure.com/workflows/1/invoke' }]
  - name: mail
    email_configs: [{ to: ops@example.test, from: am@example.test, smarthost: 'smtp.example.test:587', auth_username: u, auth_password: p }]
`,
      { integrations: notifierIntegrations },
    );
    expect(cfg.receivers.map((r) => r.notifiers!.map((n) => `${n.type}:${n.sendResolved}`))).toEqual([
      ['slack:false'],
      ['pagerduty:true'],
      ['teams:true'],
      ['email:false'],
    ]);
    expect(() => createAlertManager({ config: cfg })).not.toThrow();
  });
});
