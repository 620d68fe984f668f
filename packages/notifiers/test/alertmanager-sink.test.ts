import { createServer, type Server } from 'node:http';
import { thresholdRule } from '@argus/alerting';
import { createPipeline } from '@argus/core';
import {
  describeWithBinary,
  fakeClock,
  manualSource,
  type RunningServer,
  startAlertmanager,
  testContext,
  testSink,
} from '@argus/testkit';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { alertmanagerSink } from '../src/index.js';

interface AmAlert {
  labels: Record<string, string>;
  endsAt: string;
  fingerprint: string;
  status: { state: string };
}

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'alertmanagerSink against Alertmanager 0.25',
  () => {
    let am: RunningServer;
    let hook: Server;
    const notifications: { alerts: { labels: Record<string, string>; status: string }[] }[] = [];

    beforeAll(async () => {
      hook = createServer((req, res) => {
        let b = '';
        req.on('data', (c) => (b += c));
        req.on('end', () => {
          notifications.push(JSON.parse(b));
          res.end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      const port = (hook.address() as { port: number }).port;
      am = await startAlertmanager({
        config: `route: { receiver: hook, group_by: [alertname], group_wait: 1s, group_interval: 2s, repeat_interval: 1h }
receivers: [{ name: hook, webhook_configs: [{ url: 'http://127.0.0.1:${port}/' }] }]
`,
      });
    }, 30_000);

    afterAll(async () => {
      await am?.stop();
      hook?.close();
    });

    const list = async (): Promise<AmAlert[]> =>
      (await fetch(`${am.url}/api/v2/alerts`)).json() as Promise<AmAlert[]>;

    testSink(() => alertmanagerSink({ url: am.url }), { capabilities: { healthcheck: true } });

    it('talks over node:http: the healthcheck and the posts never call the global fetch', async () => {
      // Node 20's global fetch makes every later await in the process dearer once it has completed a request
      const globalFetch = vi.spyOn(globalThis, 'fetch');
      const sink = alertmanagerSink({ url: am.url });
      const ctx = testContext();
      await sink.start!(ctx);
      expect(await sink.healthcheck!(ctx)).toEqual({ status: 'ok' });
      const alert = {
        labels: { alertname: 'NodeHttp' },
        annotations: {},
        state: 'firing' as const,
        startsAt: Date.now(),
        fingerprint: 'n',
        origin: 't',
      };
      expect(await sink.write({ kind: 'alerts', alerts: [alert] }, ctx)).toEqual({ ok: true });
      await sink.stop?.(ctx);
      expect(globalFetch).not.toHaveBeenCalled();
      globalFetch.mockRestore();
      const down = alertmanagerSink({ url: `${am.url}/nowhere` });
      expect(await down.healthcheck!(ctx)).toMatchObject({ status: 'down', message: /answered 404$/ });
    });

    it('posts firing alerts with endsAt ahead, re-sends them while firing, and resolves with endsAt', async () => {
      const clock = fakeClock({ now: Date.now() });
      const sink = alertmanagerSink({ url: am.url, resendIntervalMs: 60_000 });
      const ctx = testContext({ clock });
      await sink.start!(ctx);
      const labels = { alertname: 'SinkTest', instance: 'a' };
      const alert = {
        labels,
        annotations: { summary: 's' },
        state: 'firing' as const,
        startsAt: clock.now() - 10_000,
        fingerprint: 'x',
        origin: 't',
      };
      expect(await sink.write({ kind: 'alerts', alerts: [alert] }, ctx)).toEqual({ ok: true });
      const [got] = (await list()).filter((a) => a.labels['alertname'] === 'SinkTest');
      expect(got!.status.state).toBe('active');
      expect(Date.parse(got!.endsAt) - clock.now()).toBeCloseTo(240_000, -3);
      // the re-send refreshes endsAt from the (fake) clock's now
      await clock.advanceAsync(60_000);
      await new Promise((r) => setTimeout(r, 200));
      const [again] = (await list()).filter((a) => a.labels['alertname'] === 'SinkTest');
      expect(Date.parse(again!.endsAt)).toBeGreaterThan(Date.parse(got!.endsAt));
      const resolved = await sink.write(
        { kind: 'alerts', alerts: [{ ...alert, state: 'resolved', endsAt: Date.now() - 1000 }] },
        ctx,
      );
      expect(resolved).toEqual({ ok: true });
      expect((await list()).filter((a) => a.labels['alertname'] === 'SinkTest')).toEqual([]);
      await sink.stop!(ctx);
    });

    it('two Argus replicas sending the same fleet-wide alert give one notification', async () => {
      const replicas = [0, 1].map((i) => {
        const source = manualSource({ name: 'src' });
        const pipeline = createPipeline({
          sources: [source],
          alerters: [thresholdRule({ alert: 'FleetDown', selector: 'fleet_up', op: '==', threshold: 0 })],
          sinks: [alertmanagerSink({ url: am.url, name: `am-${i}` })],
        });
        return { source, pipeline };
      });
      for (const r of replicas) await r.pipeline.start();
      const at = Date.now();
      for (const r of replicas)
        await r.source.pushSamples([
          { labels: { __name__: 'fleet_up', service: 'billing' }, value: 0, timestamp: at },
        ]);
      const deadline = Date.now() + 6000;
      while (
        !notifications.some((n) => n.alerts.some((a) => a.labels['alertname'] === 'FleetDown')) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 2500));
      for (const r of replicas) await r.pipeline.stop();
      const fleet = notifications.filter((n) => n.alerts.some((a) => a.labels['alertname'] === 'FleetDown'));
      expect(fleet).toHaveLength(1);
      expect(fleet[0]!.alerts).toHaveLength(1);
    }, 20_000);
  },
);
