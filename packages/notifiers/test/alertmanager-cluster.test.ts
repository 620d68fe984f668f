// HA: two Argus replicas (pipelines evaluating the same rule) send through alertmanagerSink to every peer of a real
// two-node Alertmanager 0.25 gossip cluster. Once the cluster has settled each alert group is notified once; with
// one Alertmanager killed (-9) a new group is still notified, once.
import { thresholdRule } from '@argus/alerting';
import { createPipeline, type Pipeline } from '@argus/core';
import {
  describeWithBinary,
  type ManualSource,
  manualSource,
  type RunningServer,
  waitUntil,
} from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertmanagerSink } from '../src/index.js';
import {
  nflogQueries,
  startAmCluster,
  startWebhook,
  type Webhook,
  waitForDecisions,
} from './support/am-cluster.js';

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'alertmanagerSink to a two-node Alertmanager 0.25 cluster',
  () => {
    let hook: Webhook;
    let ams: RunningServer[] = [];
    const replicas: { source: ManualSource; pipeline: Pipeline }[] = [];

    beforeAll(async () => {
      hook = await startWebhook();
      ams = await startAmCluster(
        hook,
        'group_by: [alertname, service], group_wait: 1s, group_interval: 1h, repeat_interval: 1h',
      );
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
      hook.notifications.filter((n) => n.groupLabels['service'] === service).length;

    it('once the cluster settled, an alert group sent by both replicas to both peers is notified once', async () => {
      const before = await nflogQueries(ams);
      await fire('billing');
      await waitUntil('the notification', () => notified('billing') > 0);
      await waitForDecisions(ams, before, hook);
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
      const [before] = await nflogQueries([ams[1]!]);
      await fire('checkout');
      await waitUntil('the notification from the survivor', () => notified('checkout') > 0);
      await waitUntil(
        'the survivor to have run its dedup stage',
        async () => (await nflogQueries([ams[1]!]))[0]! > before!,
      );
      expect(notified('checkout')).toBe(1);
      expect(notified('billing')).toBe(1);
    }, 90_000);
  },
);
