// HA: two Argus replicas (pipelines evaluating the same rule) send through alertmanagerSink to every peer of a real
// two-node Alertmanager 0.25 gossip cluster. Once the cluster has settled each alert group is notified once; with
// one Alertmanager killed (-9) a new group is still notified, once.
import { createServer, type Server } from 'node:http';
import { thresholdRule } from '@argus/alerting';
import { createPipeline, type Pipeline } from '@argus/core';
import {
  describeWithBinary,
  freePort,
  type ManualSource,
  manualSource,
  type RunningServer,
  startAlertmanager,
  waitUntil,
} from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertmanagerSink } from '../src/index.js';

interface Notification {
  groupLabels: Record<string, string>;
}

async function metric(am: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${am.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'alertmanagerSink to a two-node Alertmanager 0.25 cluster',
  () => {
    const notifications: Notification[] = [];
    let hook: Server;
    const ams: RunningServer[] = [];
    const replicas: { source: ManualSource; pipeline: Pipeline }[] = [];

    beforeAll(async () => {
      hook = createServer((req, res) => {
        let b = '';
        req.on('data', (c) => (b += c));
        req.on('end', () => {
          notifications.push(JSON.parse(b) as Notification);
          res.end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      const config = `route: { receiver: hook, group_by: [alertname, service], group_wait: 1s, group_interval: 1h, repeat_interval: 1h }
receivers: [{ name: hook, webhook_configs: [{ url: 'http://127.0.0.1:${(hook.address() as { port: number }).port}/' }] }]
`;
      // short gossip and peer timeouts so the cluster settles and the second peer decides within seconds
      const extraArgs = [
        '--cluster.peer-timeout=2s',
        '--cluster.gossip-interval=100ms',
        '--cluster.pushpull-interval=1s',
      ];
      const first = await freePort();
      ams.push(await startAlertmanager({ config, extraArgs, cluster: { port: first } }));
      const second = await freePort();
      ams.push(
        await startAlertmanager({
          config,
          extraArgs,
          cluster: { port: second, peers: [`127.0.0.1:${first}`] },
        }),
      );
      await waitUntil('both Alertmanagers to see a ready two-node cluster', async () => {
        const st = await Promise.all(
          ams.map(
            async (am) =>
              (await (await fetch(`${am.url}/api/v2/status`)).json()) as {
                cluster: { status: string; peers: unknown[] };
              },
          ),
        );
        return st.every((s) => s.cluster.status === 'ready' && s.cluster.peers.length === 2);
      });
      for (const i of [0, 1]) {
        const source = manualSource({ name: 'src' });
        const pipeline = createPipeline({
          sources: [source],
          alerters: [thresholdRule({ alert: 'FleetDown', selector: 'fleet_up', op: '==', threshold: 0 })],
          sinks: [alertmanagerSink({ url: ams.map((a) => a.url), name: `am-${i}` })],
        });
        await pipeline.start();
        replicas.push({ source, pipeline });
      }
    }, 90_000);

    afterAll(async () => {
      for (const r of replicas) await r.pipeline.stop({ timeoutMs: 5_000 });
      for (const am of ams) await am.stop();
      hook?.close();
    });

    const fire = async (service: string): Promise<void> => {
      const at = Date.now();
      for (const r of replicas)
        await r.source.pushSamples([{ labels: { __name__: 'fleet_up', service }, value: 0, timestamp: at }]);
    };
    const notified = (service: string): number =>
      notifications.filter((n) => n.groupLabels['service'] === service).length;

    it('once the cluster settled, an alert group sent by both replicas to both peers is notified once', async () => {
      const before = await Promise.all(ams.map((am) => metric(am, 'alertmanager_nflog_queries_total')));
      await fire('billing');
      await waitUntil('the notification', () => notified('billing') > 0);
      // each peer's notify pipeline queries the notification log before sending (its dedup stage); once both have,
      // both have decided, and the second one (which waits peer-timeout) saw the first one's entry
      await waitUntil('both peers to have run their dedup stage', async () => {
        const now = await Promise.all(ams.map((am) => metric(am, 'alertmanager_nflog_queries_total')));
        return now.every((n, i) => n > before[i]!);
      });
      await waitUntil('both peers to finish sending', async () => {
        const sent = await Promise.all(
          ams.map((am) => metric(am, 'alertmanager_notifications_total{integration="webhook"}')),
        );
        return sent.reduce((a, b) => a + b, 0) === notifications.length;
      });
      expect(notified('billing')).toBe(1);
    }, 90_000);

    it('with the first Alertmanager killed, a new group still reaches the survivor and is notified once', async () => {
      process.kill(ams[0]!.pid, 'SIGKILL');
      await waitUntil('the first Alertmanager to be gone', async () => {
        try {
          await fetch(`${ams[0]!.url}/-/ready`);
          return false;
        } catch {
          return true;
        }
      });
      const before = await metric(ams[1]!, 'alertmanager_nflog_queries_total');
      await fire('checkout');
      await waitUntil('the notification from the survivor', () => notified('checkout') > 0);
      await waitUntil(
        'the survivor to have run its dedup stage',
        async () => (await metric(ams[1]!, 'alertmanager_nflog_queries_total')) > before,
      );
      expect(notified('checkout')).toBe(1);
      expect(notified('billing')).toBe(1);
    }, 90_000);
  },
);
