import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { memoryStateStore } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertManager, loadAlertmanagerConfig, postJson, webhookNotifier } from '../src/index.js';
import { brief, firing, recorder, resolved } from './am-helpers.js';

const S = 1000;
const fail = (retryable: boolean, retryAfterMs?: number) => ({
  ok: false as const,
  retryable,
  error: new Error('boom'),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('delivery', () => {
  it('retries with exponential backoff and jitter, honours Retry-After, and dead-letters after the budget', async () => {
    const clock = fakeClock({ now: 0 });
    const flaky = recorder();
    const dead = recorder();
    flaky.script.push(fail(true), fail(true), fail(true, 30 * S));
    dead.script.push(...Array.from({ length: 5 }, () => fail(true)));
    const am = createAlertManager({
      clock,
      random: () => 1,
      delivery: { maxAttempts: 4, initialBackoffMs: S },
      config: {
        route: { receiver: 'flaky', groupWaitMs: 0, routes: [{ matchers: ['to="dead"'], receiver: 'dead' }] },
        receivers: [
          { name: 'flaky', notifiers: [flaky] },
          { name: 'dead', notifiers: [dead] },
        ],
      },
    });
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0), firing({ alertname: 'B', to: 'dead' }, 0)]);
    const attemptsAt: number[] = [];
    for (let t = 0; t < 40 * S; t += 100) {
      const before = flaky.attempts;
      await clock.advanceAsync(100);
      if (flaky.attempts > before) attemptsAt.push(clock.now());
    }
    // sampled every 100 ms; random()=1 gives the full delay: 1 s, then 2 s, then the receiver's Retry-After of 30 s
    expect(attemptsAt).toEqual([100, 1000, 3000, 33000]);
    expect(flaky.sent).toHaveLength(1);
    const dl = am.deadLetters();
    expect(dl).toMatchObject([{ receiver: 'dead', attempts: 4, integration: 'recorder' }]);
    expect(dl[0]!.reason).toMatch(/gave up after 4 attempts: boom/);
    expect(dead.attempts).toBe(4);
    expect(am.history({ events: ['deadLetter'] })).toHaveLength(1);
    expect(am.history({ events: ['delivered'] })).toMatchObject([{ receiver: 'flaky', reason: 'attempt 4' }]);
  });

  it('does not retry a non-retryable failure', async () => {
    const clock = fakeClock({ now: 0 });
    const r = recorder();
    r.script.push(fail(false));
    const am = createAlertManager({
      clock,
      config: { route: { receiver: 'r', groupWaitMs: 0 }, receivers: [{ name: 'r', notifiers: [r] }] },
    });
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0)]);
    await clock.advanceAsync(60 * S);
    expect(r.attempts).toBe(1);
    expect(am.deadLetters()[0]!.reason).toMatch(/not retryable/);
  });

  it('one hanging receiver never delays another', async () => {
    const clock = fakeClock({ now: 0 });
    const fast = recorder();
    const hanging = { type: 'hang', send: () => new Promise<never>(() => {}) };
    const am = createAlertManager({
      clock,
      delivery: { sendTimeoutMs: 3600 * S },
      config: {
        route: {
          receiver: 'hang',
          groupWaitMs: 0,
          groupIntervalMs: S,
          routes: [
            { matchers: ['x="1"'], receiver: 'fast', continue: true },
            { matchers: ['x="1"'], receiver: 'hang' },
          ],
        },
        receivers: [
          { name: 'hang', notifiers: [hanging] },
          { name: 'fast', notifiers: [fast] },
        ],
      },
    });
    await am.start();
    for (let i = 0; i < 5; i++) {
      am.ingest([firing({ alertname: `A${i}`, x: '1' }, clock.now())]);
      await clock.advanceAsync(2 * S);
    }
    expect(fast.sent).toHaveLength(5);
    expect(am.queued()['hang/0']).toBeGreaterThan(0);
  });

  it('bounds each queue: past maxQueue the oldest waiting notification is dead-lettered', async () => {
    const clock = fakeClock({ now: 0 });
    const r = recorder();
    r.script.push(...Array.from({ length: 50 }, () => fail(true, 3600 * S)));
    const am = createAlertManager({
      clock,
      delivery: { maxQueue: 2 },
      config: {
        route: { receiver: 'r', groupBy: ['...'], groupWaitMs: 0 },
        receivers: [{ name: 'r', notifiers: [r] }],
      },
    });
    await am.start();
    am.ingest([1, 2, 3, 4].map((i) => firing({ alertname: 'A', i: String(i) }, 0)));
    await clock.advanceAsync(S);
    expect(am.queued()['r/0']).toBe(2);
    expect(am.deadLetters().map((d) => d.reason)).toEqual([
      'queue full (maxQueue 2)',
      'queue full (maxQueue 2)',
    ]);
  });
});

describe('durable state', () => {
  it('after a restart on the same store: firing alerts kept, no duplicate within repeat_interval, pending resolved sent', async () => {
    const store = memoryStateStore();
    const clock = fakeClock({ now: 0 });
    const config = (r: ReturnType<typeof recorder>) => ({
      route: {
        receiver: 'r',
        groupBy: ['alertname'],
        groupWaitMs: S,
        groupIntervalMs: 2 * S,
        repeatIntervalMs: 3600 * S,
      },
      receivers: [{ name: 'r', notifiers: [r] }],
    });
    const r1 = recorder();
    const am1 = createAlertManager({ clock, state: store, config: config(r1) });
    await am1.start();
    am1.ingest([firing({ alertname: 'A', i: '1' }, 0), firing({ alertname: 'A', i: '2' }, 0)]);
    await clock.advanceAsync(S);
    expect(r1.sent.map(brief)).toEqual(['r first notification [1:f,2:f]']);
    r1.hang = true;
    am1.ingest([resolved({ alertname: 'A', i: '1' }, 0, 2 * S)]);
    await clock.advanceAsync(2 * S);
    await am1.flushed();
    // "crash": drop the instance without stop(); only what is in the store survives
    const r2 = recorder();
    const am2 = createAlertManager({ clock, state: store, config: config(r2) });
    await am2.start();
    expect(am2.alerts().map((a) => a.labels['i'])).toEqual(expect.arrayContaining(['2']));
    await clock.advanceAsync(60 * S);
    expect(r2.sent.map(brief)).toEqual(['r some alerts resolved [1:r,2:f]']);
    await clock.advanceAsync(600 * S);
    expect(r2.sent).toHaveLength(1);
  });
});

describe('webhook notifier against a local receiver', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function receiver(
    handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
  ): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => handler(req, body, res));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const addr = server.address() as { port: number };
    return `http://127.0.0.1:${addr.port}/hook/SECRET-TOKEN?sig=SECRET-SIG`;
  }

  it('sends Alertmanager payload v4 field for field, as the real one sends it', async () => {
    const got: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
    const url = await receiver((req, body, res) => {
      got.push({ headers: req.headers, body: JSON.parse(body) });
      res.end();
    });
    const sample = (await import('node:fs')).readFileSync(
      '/work/shared/reference/local-servers/alertmanager-webhook-sample.json',
      'utf8',
    );
    const real = JSON.parse(sample);
    const labels = real.alerts[0].labels;
    const n = webhookNotifier({ url });
    const result = await n.send(
      {
        receiver: 'webhook',
        groupKey: '{}:{alertname="ManualTest"}',
        groupLabels: { alertname: 'ManualTest' },
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels,
            annotations: real.alerts[0].annotations,
            startsAt: Date.parse(real.alerts[0].startsAt),
            generatorURL: 'http://127.0.0.1/test',
            fingerprint: '82c9c2c9ec471fbb',
          },
        ],
        commonLabels: labels,
        commonAnnotations: real.commonAnnotations,
        externalURL: real.externalURL,
        truncatedAlerts: 0,
        reason: 'first notification',
        at: 0,
      },
      { signal: new AbortController().signal },
    );
    expect(result.ok).toBe(true);
    expect(got[0]!.headers['content-type']).toBe('application/json');
    const body = got[0]!.body;
    expect(Object.keys(body).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys((body['alerts'] as object[])[0]!).sort()).toEqual(Object.keys(real.alerts[0]).sort());
    expect({ ...body, alerts: undefined }).toEqual({ ...real, alerts: undefined });
    const a = (body['alerts'] as Record<string, unknown>[])[0]!;
    expect(a['endsAt']).toBe('0001-01-01T00:00:00Z');
    expect(a['fingerprint']).toBe(real.alerts[0].fingerprint);
  });

  it('429 with Retry-After and 5xx are retryable, 4xx not; errors never contain the URL path or query', async () => {
    const answers: [number, Record<string, string>, string][] = [
      [429, { 'retry-after': '7' }, 'slow down'],
      [503, {}, 'unavailable'],
      [400, {}, 'invalid_payload'],
    ];
    const url = await receiver((_req, _b, res) => {
      const [status, headers, body] = answers.shift()!;
      res.writeHead(status, headers).end(body);
    });
    const post = () => postJson({ url, body: {}, signal: new AbortController().signal, what: 'webhook' });
    const r429 = await post();
    expect(r429).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000, status: 429 });
    expect(await post()).toMatchObject({ ok: false, retryable: true, status: 503 });
    const r400 = await post();
    expect(r400).toMatchObject({ ok: false, retryable: false, status: 400 });
    for (const r of [r429, r400]) {
      if (r.ok) continue;
      expect(r.error.message).not.toMatch(/SECRET/);
      expect(r.error.message).toMatch(/webhook: HTTP \d+ from http:\/\/127\.0\.0\.1:\d+\/…/);
    }
    server!.close();
    const down = await post();
    expect(down.ok).toBe(false);
    if (!down.ok) {
      expect(down.retryable).toBe(true);
      expect(down.error.message).not.toMatch(/SECRET/);
    }
  });

  it('loads an existing alertmanager.yml unchanged and refuses unknown integrations by name', async () => {
    const text = (await import('node:fs')).readFileSync(
      '/work/shared/reference/local-servers/alertmanager.yml',
      'utf8',
    );
    const cfg = loadAlertmanagerConfig(text);
    expect(cfg.route).toEqual({
      receiver: 'webhook',
      groupBy: ['alertname'],
      groupWaitMs: 1000,
      groupIntervalMs: 2000,
      repeatIntervalMs: 3_600_000,
    });
    expect(cfg.receivers[0]!.notifiers![0]!.type).toBe('webhook');
    expect(() => createAlertManager({ config: cfg })).not.toThrow();
    expect(() =>
      loadAlertmanagerConfig(`${text}\n  - name: s\n    slack_configs: [{ api_url: 'http://x' }]\n`),
    ).toThrow(/receivers\[1\] \(s\): slack_configs needs an integration/);
    expect(() => loadAlertmanagerConfig(text.replace('group_wait: 1s', 'group_wait: soon'))).toThrow(
      /route\.group_wait/,
    );
  });
});
