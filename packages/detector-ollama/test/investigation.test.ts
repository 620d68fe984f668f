// Background investigation end to end: an alert fires in a real alert manager → the manager's investigation asks
// a real inference engine (node-llama-cpp behind the Ollama-API stand-in, tiny generated model) through
// ollamaAnalyst → a real local webhook receiver gets the original notification and exactly one follow-up carrying
// the answer as annotations. The model's text is random: this proves the wiring, not the advice.
import { createServer, type Server } from 'node:http';
import { type AlertManager, createAlertManager, type Investigator, webhookNotifier } from '@argus/alerting';
import { type LocalReceiver, localReceiver } from '@argus/alerting/testing';
import { type Alert, fingerprint, type Logger } from '@argus/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type OllamaAnalyst, ollamaAnalyst } from '../src/index.js';
import { until } from './helpers.js';
import { TINY_MODEL, useTinyEngine } from './tiny-engine.js';

const MODEL = TINY_MODEL;
/** Waits on the engine's answers: a second or two idle, far longer on a loaded 2-core machine. */
const engineBound = <T>(check: () => T) => vi.waitFor(check, { timeout: 150_000, interval: 20 });
const ENGINE_TEST_MS = 200_000;
const tiny = useTinyEngine();
let hook: LocalReceiver;
const open: { am?: AlertManager; analyst?: OllamaAnalyst }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.am?.stop();
    o.analyst?.stop();
  }
  await hook?.close();
});

function alert(name: string, state: 'firing' | 'resolved' = 'firing'): Alert {
  const labels = { alertname: name, instance: 'db-1', severity: 'page' };
  return {
    labels,
    annotations: { summary: `${name} on db-1` },
    state,
    startsAt: 1_700_000_000_000,
    ...(state === 'resolved' ? { endsAt: 1_700_000_060_000 } : {}),
    fingerprint: fingerprint(labels),
    origin: 'test',
  };
}

function quietLog(): Logger & { warned: string[] } {
  const warned: string[] = [];
  const noop = () => {};
  return { debug: noop, info: noop, error: noop, warn: (m: string) => warned.push(m), warned } as never;
}

/** A started manager whose only receiver is the local webhook, investigating with `investigate`. */
async function manager(
  investigate: Investigator,
  log: Logger = quietLog(),
  maxInFlight = 8,
): Promise<AlertManager> {
  const am = createAlertManager({
    config: {
      route: { receiver: 'ops', groupBy: ['alertname'], groupWaitMs: 10, groupIntervalMs: 600_000 },
      receivers: [{ name: 'ops', notifiers: [webhookNotifier({ url: `${hook.url}/alerts` })] }],
    },
    durable: false,
    flap: false,
    log,
    investigation: { investigate, timeoutMs: 60_000, maxInFlight },
  });
  await am.start();
  open.push({ am });
  return am;
}

async function analystAt(host: string): Promise<OllamaAnalyst> {
  const analyst = ollamaAnalyst({ model: MODEL, host, modelOptions: { temperature: 0, num_predict: 400 } });
  await analyst.start();
  open.push({ analyst });
  return analyst;
}

type Body = { alerts: { status: string; annotations: Record<string, string> }[]; groupKey: string };
const bodies = () => hook.got.map((g) => g.body as Body);

describe('background investigation against a real inference engine and a real webhook receiver', () => {
  it(
    'an alert fires: the receiver gets the notification, then exactly one follow-up with the annotations',
    async () => {
      hook = await localReceiver();
      tiny().bias = 'tame';
      const analyst = await analystAt(tiny().url);
      const am = await manager((g, ctx) => analyst.investigate(g, ctx));
      const before = tiny().requests;
      am.ingest([alert('DiskFull')]);
      await engineBound(() => expect(am.investigations().followUps + am.investigations().unanswered).toBe(1));
      expect(am.investigations()).toMatchObject({ started: 1, followUps: 1, unanswered: 0 });
      await until(() => expect(am.queued()).toEqual({ 'ops/0': 0 }));
      await am.flushed();
      const [first, follow, ...more] = bodies();
      expect(more).toEqual([]);
      expect(first!.alerts[0]!.annotations).toEqual({ summary: 'DiskFull on db-1' });
      expect(follow!.groupKey).toBe(first!.groupKey);
      expect(follow!.alerts[0]!.status).toBe('firing');
      expect(follow!.alerts[0]!.annotations).toMatchObject({ summary: 'DiskFull on db-1', ai_model: MODEL });
      expect(follow!.alerts[0]!.annotations['ai_recommendations']).toMatch(/^1\. /);
      expect(tiny().requests).toBeGreaterThan(before);
      // attached to the alert, for the UI and the group's later notifications
      expect(am.alerts()[0]!.annotations['ai_model']).toBe(MODEL);
      expect(am.history({ events: ['notified'] }).map((e) => e.reason)).toEqual([
        'investigation follow-up',
        'first notification',
      ]);
    },
    ENGINE_TEST_MS,
  );

  it('the model is down: the notification goes out, no follow-up, no error storm, every miss counted', async () => {
    hook = await localReceiver();
    let chats = 0;
    const down: Server = createServer((req, res) => {
      if (req.url === '/api/tags')
        return void res.end(JSON.stringify({ models: [{ name: MODEL, model: MODEL }] }));
      chats++;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"model runner crashed"}');
    });
    await new Promise<void>((ok) => down.listen(0, '127.0.0.1', ok));
    try {
      const analyst = await analystAt(`http://127.0.0.1:${(down.address() as { port: number }).port}`);
      const log = quietLog();
      const am = await manager((g, ctx) => analyst.investigate(g, ctx), log);
      const names = ['A', 'B', 'C', 'D', 'E', 'F'];
      am.ingest(names.map((n) => alert(n)));
      await until(() => expect(am.investigations().unanswered).toBe(names.length));
      await until(() => expect(hook.got).toHaveLength(names.length));
      await am.flushed();
      expect(am.investigations()).toMatchObject({ started: 6, followUps: 0, unanswered: 6, inFlight: 0 });
      expect(bodies().every((b) => !('ai_model' in b.alerts[0]!.annotations))).toBe(true);
      // the analyst's circuit breaker (3 failures) stops asking a server that fails; one warning in all
      expect(chats).toBeLessThanOrEqual(3);
      expect(log.warned).toHaveLength(1);
    } finally {
      down.closeAllConnections();
      await new Promise((ok) => down.close(ok));
    }
  });

  it(
    'the alert resolves before the investigation ends: the answer is dropped, no follow-up',
    async () => {
      hook = await localReceiver();
      tiny().bias = 'tame';
      const analyst = await analystAt(tiny().url);
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      const am = await manager(async (g, ctx) => {
        await gate;
        return analyst.investigate(g, ctx);
      });
      am.ingest([alert('DiskFull')]);
      await until(() => expect(hook.got).toHaveLength(1));
      am.ingest([alert('DiskFull', 'resolved')]);
      // the resolved notification would wait for group_interval (10 min): the investigation is released as soon
      // as the manager holds the alert as resolved
      await until(() => expect(am.alerts()[0]!.status.state).toBe('resolved'));
      const before = tiny().requests;
      release();
      await engineBound(() => expect(am.investigations().stale).toBe(1));
      expect(tiny().requests).toBeGreaterThan(before); // the engine did answer; the answer came too late
      expect(am.investigations()).toMatchObject({ started: 1, followUps: 0, stale: 1 });
      await am.flushed();
      expect(hook.got).toHaveLength(1);
    },
    ENGINE_TEST_MS,
  );
});
