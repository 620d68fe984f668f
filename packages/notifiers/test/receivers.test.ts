import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notifier } from '@argus/alerting';
import { sampleNotification as sample, testNotifier } from '@argus/alerting/testing';
import { describe, expect, it } from 'vitest';
import {
  dedupKey,
  discordNotifier,
  opsgenieNotifier,
  pagerdutyEventsNotifier,
  pagerdutyV1Notifier,
  pushoverNotifier,
  slackAttachmentsNotifier,
  snsNotifier,
  telegramNotifier,
  victoropsNotifier,
  webexNotifier,
  wechatNotifier,
} from '../src/index.js';
import {
  type ApiHandler,
  type ApiServer,
  apiServer,
  discordApi,
  opsgenieApi,
  pagerdutyV1Api,
  pushoverApi,
  snsApi,
  telegramApi,
  victoropsApi,
  webexApi,
  wechatApi,
} from './fixtures/apis.js';

const ctx = () => ({ signal: new AbortController().signal });
const DEAD = 'http://127.0.0.1:9';
const KEY32 = 'K'.repeat(32);
const GROUP_HASH = dedupKey(sample().groupKey);

/** Starts `api`, sends `n` notifications through `make(url)`, stops it; returns the server and the results. */
async function withApi(
  api: ApiHandler,
  make: (url: string) => Notifier,
  statuses: ('firing' | 'resolved')[] = ['firing'],
) {
  const s: ApiServer = await apiServer(api);
  try {
    const n = make(s.url);
    const results = [];
    for (const st of statuses) results.push(await n.send(sample(st), ctx()));
    return { s, results };
  } finally {
    await s.close();
  }
}

describe('opsgenie', () => {
  const make = (url: string) => opsgenieNotifier({ apiKey: 'OGKEY', url });
  testNotifier(() => opsgenieNotifier({ apiKey: 'OGKEY', url: DEAD }), {
    badOptions: () => opsgenieNotifier({ apiKey: 'a', apiKeyFile: '/x' }),
    http: { make, success: [202, '{"result":"Request will be processed"}'] },
    additionalTests: () => {
      it('creates an alert aliased by the group key hash, then closes it by alias', async () => {
        const { s, results } = await withApi(opsgenieApi('OGKEY'), (u) => make(`${u}/`), [
          'firing',
          'resolved',
        ]);
        expect(results.every((r) => r.ok)).toBe(true);
        const [create, close] = s.accepted;
        expect(create!.path).toBe('/v2/alerts');
        expect(create!.json).toMatchObject({
          alias: GROUP_HASH,
          message: '[FIRING:2] DBDown (critical)',
          details: { alertname: 'DBDown', severity: 'critical' },
          source: 'http://argus/#/alerts?receiver=team',
        });
        expect(String(create!.json!['description'])).toContain(
          'Alerts Firing:\nLabels:\n - alertname = DBDown',
        );
        expect(close!.path).toBe(`/v2/alerts/${GROUP_HASH}/close`);
        expect(close!.json).toEqual({ source: 'http://argus/#/alerts?receiver=team' });
      });
      it('reads apiKeyFile at each send, so a rotated key is used; a wrong key is a permanent failure', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'og-'));
        const file = join(dir, 'key');
        writeFileSync(file, 'OLD\n');
        const s = await apiServer(opsgenieApi('OGKEY'));
        const n = opsgenieNotifier({ apiKeyFile: file, url: `${s.url}/` });
        const first = await n.send(sample(), ctx());
        writeFileSync(file, 'OGKEY\n');
        const second = await n.send(sample(), ctx());
        await s.close();
        expect(first).toMatchObject({ ok: false, retryable: false });
        if (!first.ok) expect(first.error.message).not.toContain('OLD');
        expect(second.ok).toBe(true);
      });
      it('an unreadable apiKeyFile fails permanently, naming the field', async () => {
        const res = await opsgenieNotifier({ apiKeyFile: '/nonexistent/key', url: DEAD }).send(
          sample(),
          ctx(),
        );
        expect(res).toMatchObject({ ok: false, retryable: false });
        if (!res.ok) expect(res.error.message).toMatch(/opsgenie: cannot read apiKeyFile .*ENOENT/);
      });
    },
  });
});

describe('victorops', () => {
  const make = (url: string) => victoropsNotifier({ apiKey: 'VOKEY', routingKey: 'ops', url });
  testNotifier(() => victoropsNotifier({ apiKey: 'VOKEY', routingKey: 'ops', url: `${DEAD}/` }), {
    badOptions: () => victoropsNotifier({ apiKey: 'a', routingKey: '' }),
    http: { make, success: [200, '{"result":"success"}'] },
    additionalTests: () =>
      it('posts CRITICAL then RECOVERY to <url><apiKey>/<routingKey>', async () => {
        const url = (u: string) => `${u}/integrations/generic/20131114/alert/`;
        const { s } = await withApi(victoropsApi('VOKEY'), (u) => make(url(u)), ['firing', 'resolved']);
        expect(s.accepted.map((r) => r.path)).toEqual(
          Array(2).fill('/integrations/generic/20131114/alert/VOKEY/ops'),
        );
        expect(s.accepted.map((r) => r.json!['message_type'])).toEqual(['CRITICAL', 'RECOVERY']);
        expect(s.accepted[0]!.json).toMatchObject({
          entity_id: GROUP_HASH,
          entity_display_name: '[FIRING:2] DBDown (critical)',
          monitoring_tool: 'Alertmanager',
        });
      }),
  });
});

describe('telegram', () => {
  const make = (url: string) => telegramNotifier({ botToken: '123:SECRETTOKEN', chatId: -100, url });
  testNotifier(() => telegramNotifier({ botToken: '123:SECRETTOKEN', chatId: -100, url: DEAD }), {
    badOptions: () => telegramNotifier({ chatId: 1 }),
    http: { make, success: [200, '{"ok":true,"result":{}}'] },
    additionalTests: () => {
      it('a 429 without Retry-After waits the parameters.retry_after of the body', async () => {
        const s = await apiServer(telegramApi('123:SECRETTOKEN'));
        s.force.push([
          429,
          {},
          '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}',
        ]);
        const res = await make(s.url).send(sample(), ctx());
        await s.close();
        expect(res).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
      });
      it('calls sendMessage with HTML parse mode and the default message', async () => {
        const { s, results } = await withApi(telegramApi('123:SECRETTOKEN'), make);
        expect(results[0]!.ok).toBe(true);
        expect(s.accepted[0]!.json).toMatchObject({
          chat_id: '-100',
          parse_mode: 'HTML',
          disable_web_page_preview: 'true',
        });
        expect(String(s.accepted[0]!.json!['text'])).toMatch(
          /^\n\nAlerts Firing:\nLabels:\n - alertname = DBDown\n - instance = db1/,
        );
      });
    },
  });
});

describe('discord', () => {
  const make = (url: string) => discordNotifier({ url });
  testNotifier(() => discordNotifier({ url: `${DEAD}/api/webhooks/1/x` }), {
    badOptions: () => discordNotifier({ url: 'nope' }),
    http: { make, success: [204, ''] },
    additionalTests: () =>
      it('posts one embed, red while firing and green once resolved', async () => {
        const { s } = await withApi(discordApi, make, ['firing', 'resolved']);
        expect(s.accepted.map((r) => (r.json!['embeds'] as { color: number }[])[0]!.color)).toEqual([
          0x992d22, 0x2ecc71,
        ]);
        expect(s.accepted[0]!.json).toMatchObject({
          content: '',
          embeds: [{ title: '[FIRING:2] DBDown (critical)' }],
        });
      }),
  });
});

describe('webex', () => {
  const make = (url: string) => webexNotifier({ roomId: 'ROOM', token: 'WXTOKEN', url });
  testNotifier(() => webexNotifier({ roomId: 'ROOM', token: 'WXTOKEN', url: DEAD }), {
    badOptions: () => webexNotifier({ roomId: 'r' }),
    http: { make, success: [200, '{"id":"m"}'] },
    additionalTests: () =>
      it('posts markdown to the room with the Bearer token', async () => {
        const { s, results } = await withApi(webexApi('WXTOKEN'), (u) => make(`${u}/v1/messages`));
        expect(results[0]!.ok).toBe(true);
        expect(s.accepted[0]!.json).toMatchObject({ roomId: 'ROOM' });
        expect(String(s.accepted[0]!.json!['markdown'])).toContain('Alerts Firing:');
      }),
  });
});

describe('pushover', () => {
  const make = (url: string) => pushoverNotifier({ userKey: 'USERKEY', token: 'APPTOKEN', url });
  testNotifier(() => pushoverNotifier({ userKey: 'USERKEY', token: 'APPTOKEN', url: DEAD }), {
    badOptions: () => pushoverNotifier({ userKey: 'u' }),
    http: { make, success: [200, '{"status":1}'], contentType: 'text/plain' },
    additionalTests: () =>
      it('sends emergency priority while firing and normal once resolved, parameters in the query', async () => {
        const { s, results } = await withApi(
          pushoverApi('APPTOKEN', 'USERKEY'),
          (u) => make(`${u}/1/messages.json`),
          ['firing', 'resolved'],
        );
        expect(results.map((r) => r.ok)).toEqual([true, true]);
        const q = s.accepted.map((r) => Object.fromEntries(r.query));
        expect(q.map((x) => x['priority'])).toEqual(['2', '0']);
        expect(q[0]).toMatchObject({
          title: '[FIRING:2] DBDown (critical)',
          retry: '60',
          expire: '3600',
          url: 'http://argus/#/alerts?receiver=team',
        });
      }),
  });
});

describe('pagerduty v1', () => {
  const make = (url: string) => pagerdutyV1Notifier({ serviceKey: KEY32, url });
  testNotifier(() => pagerdutyV1Notifier({ serviceKey: KEY32, url: DEAD }), {
    badOptions: () => pagerdutyV1Notifier({}),
    http: { make, success: [200, '{"status":"success"}'] },
    additionalTests: () => {
      it('triggers then resolves the incident keyed by the group key hash, with the default details', async () => {
        const { s } = await withApi(pagerdutyV1Api, make, ['firing', 'resolved']);
        const [t, r] = s.accepted.map((x) => x.json!);
        expect(t).toMatchObject({
          service_key: KEY32,
          event_type: 'trigger',
          incident_key: GROUP_HASH,
          client: 'Alertmanager',
          description: '[FIRING:2] DBDown (critical)',
        });
        expect(t!['details']).toMatchObject({ num_firing: '2', num_resolved: '0' });
        expect(r).toMatchObject({ event_type: 'resolve', incident_key: GROUP_HASH });
        expect(r!['client']).toBeUndefined();
      });
      it('403 (the v1 rate limit) is retried', async () => {
        const s = await apiServer(pagerdutyV1Api);
        s.force.push([403, {}, 'rate limited']);
        const res = await make(s.url).send(sample(), ctx());
        await s.close();
        expect(res).toMatchObject({ ok: false, retryable: true });
      });
    },
  });
});

describe('wechat', () => {
  const make = (url: string) =>
    wechatNotifier({ apiSecret: 'WSECRET', corpId: 'corp', toUser: '@all', agentId: '1', url });
  testNotifier(
    () => wechatNotifier({ apiSecret: 'WSECRET', corpId: 'corp', toUser: '@all', agentId: '1', url: DEAD }),
    {
      badOptions: () => wechatNotifier({ corpId: 'c' }),
      http: { make, success: [200, '{"errcode":0,"errmsg":"ok","access_token":"T"}'] },
      additionalTests: () =>
        it('fetches a token once, sends a text message, and fetches a new token after errcode 42001', async () => {
          const api = wechatApi('corp', 'WSECRET');
          const s = await apiServer(api);
          const n = make(`${s.url}/cgi-bin/`);
          expect((await n.send(sample(), ctx())).ok).toBe(true);
          expect((await n.send(sample(), ctx())).ok).toBe(true);
          api.expire();
          const expired = await n.send(sample(), ctx());
          const again = await n.send(sample(), ctx());
          await s.close();
          expect(expired).toMatchObject({ ok: false, retryable: true });
          expect(again.ok).toBe(true);
          expect(s.accepted.filter((r) => r.path === '/cgi-bin/gettoken')).toHaveLength(2);
          const msg = s.accepted.find((r) => r.method === 'POST')!.json!;
          expect(msg).toMatchObject({ msgtype: 'text', touser: '@all', agentid: '1', safe: '0' });
          expect(String((msg['text'] as { content: string }).content)).toMatch(
            /^\[FIRING:2\] DBDown \(critical\)\n/,
          );
        }),
    },
  );
});

describe('sns', () => {
  const topic = 'arn:aws:sns:eu-west-1:123456789012:alerts';
  const make = (url: string) =>
    snsNotifier({
      region: 'eu-west-1',
      accessKey: 'AKIDEXAMPLE',
      secretKey: 'SECRETKEY',
      topicArn: topic,
      url,
      now: () => Date.UTC(2026, 11, 7),
    });
  testNotifier(
    () =>
      snsNotifier({
        region: 'eu-west-1',
        accessKey: 'AKIDEXAMPLE',
        secretKey: 'SECRETKEY',
        topicArn: topic,
        url: DEAD,
        now: () => Date.UTC(2026, 11, 7),
      }),
    {
      badOptions: () => snsNotifier({ region: 'eu-west-1', topicArn: topic, phoneNumber: '+1' }),
      http: {
        make,
        success: [200, '<PublishResponse/>'],
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      },
      additionalTests: () =>
        it('publishes to the topic through the signed query API with subject and message', async () => {
          const { s, results } = await withApi(snsApi('AKIDEXAMPLE', 'eu-west-1'), make);
          expect(results[0]!.ok).toBe(true);
          const p = new URLSearchParams(s.accepted[0]!.raw);
          expect(p.get('TopicArn')).toBe(topic);
          expect(p.get('Subject')).toBe('[FIRING:2] DBDown (critical)');
          expect(p.get('Message')).toContain('Alerts Firing:');
          expect(s.accepted[0]!.headers['x-amz-date']).toBe('20261207T000000Z');
        }),
    },
  );
});

describe('slack (Alertmanager layout)', () => {
  const make = (url: string) => slackAttachmentsNotifier({ url, channel: '#ops' });
  testNotifier(() => slackAttachmentsNotifier({ url: `${DEAD}/services/x`, channel: '#ops' }), {
    badOptions: () => slackAttachmentsNotifier({ url: 'a', urlFile: '/x' }),
    http: { make, success: [200, 'ok'] },
    additionalTests: () =>
      it('posts one attachment with the default title, link and colour', async () => {
        const r = await apiServer(() => [200, {}, 'ok']);
        await make(`${r.url}/services/x`).send(sample(), ctx());
        await r.close();
        expect(r.accepted[0]!.json).toEqual({
          channel: '#ops',
          username: 'Alertmanager',
          attachments: [
            {
              title: '[FIRING:2] DBDown (critical)',
              title_link: 'http://argus/#/alerts?receiver=team',
              text: '',
              fallback: '[FIRING:2] DBDown (critical) | http://argus/#/alerts?receiver=team',
              callback_id: '',
              footer: '',
              color: 'danger',
              mrkdwn_in: ['fallback', 'pretext', 'text'],
            },
          ],
        });
      }),
  });
});

describe('pagerduty (Alertmanager layout, Events v2)', () => {
  const make = (url: string) => pagerdutyEventsNotifier({ routingKey: KEY32, url });
  testNotifier(() => pagerdutyEventsNotifier({ routingKey: KEY32, url: DEAD }), {
    badOptions: () => pagerdutyEventsNotifier({}),
    http: { make, success: [202, '{"status":"success"}'] },
    additionalTests: () =>
      it('triggers with the summary and default custom details, then resolves by dedup_key', async () => {
        const r = await apiServer(() => [202, {}, '{"status":"success"}']);
        const n = make(`${r.url}/v2/enqueue`);
        await n.send(sample(), ctx());
        await n.send(sample('resolved'), ctx());
        await r.close();
        const [t, res] = r.accepted.map((x) => x.json!);
        expect(t).toMatchObject({
          routing_key: KEY32,
          dedup_key: GROUP_HASH,
          event_action: 'trigger',
          client: 'Alertmanager',
          payload: { summary: '[FIRING:2] DBDown (critical)', source: 'Alertmanager', severity: 'error' },
        });
        expect((t!['payload'] as { custom_details: Record<string, string> }).custom_details).toMatchObject({
          num_firing: '2',
        });
        expect(res).toMatchObject({ event_action: 'resolve', dedup_key: GROUP_HASH });
      }),
  });
});
