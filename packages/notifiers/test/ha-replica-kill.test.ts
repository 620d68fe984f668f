// HA: two Argus replicas, each its own process, both evaluate the same rule and send to both members of a real
// Alertmanager 0.25 cluster. One replica is killed with SIGKILL while its alert fires: the survivor keeps the
// alert alive on both members (no false resolve when the dead replica's endsAt passes), a new group still reaches
// the cluster and is notified once, and the survivor's resolve reaches both members.
// group_interval is long on purpose: the second member decides peer_timeout after its flush, and with a
// group_interval shorter than that, a flush still waiting when the group changes sends its stale state (seen
// here with 1 s: a second `firing` right after the `resolved`); that is Alertmanager's own at-least-once edge.
import { fileURLToPath } from 'node:url';
import { describeWithBinary, type RunningServer, startServer, waitUntil } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  nflogQueries,
  startAmCluster,
  startWebhook,
  type Webhook,
  waitForDecisions,
} from './support/am-cluster.js';

const REPLICA = fileURLToPath(new URL('./fixtures/ha-replica.mjs', import.meta.url));
// each replica re-sends firing alerts every second with endsAt 4 s ahead (the sink's default: 4 × resend)
const RESEND_MS = 1_000;
const ENDS_AHEAD_MS = 4 * RESEND_MS;

interface AmAlert {
  labels: Record<string, string>;
  endsAt: string;
  status: { state: string };
}

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'two Argus replica processes, one killed with SIGKILL, and a two-node Alertmanager cluster',
  () => {
    let hook: Webhook;
    let ams: RunningServer[] = [];
    const replicas: RunningServer[] = [];

    beforeAll(async () => {
      hook = await startWebhook();
      ams = await startAmCluster(
        hook,
        'group_by: [alertname, service], group_wait: 1s, group_interval: 1h, repeat_interval: 1h',
      );
      for (const i of [0, 1])
        replicas.push(
          await startServer({
            command: process.execPath,
            args: ({ port }) => [
              REPLICA,
              String(port),
              `argus-${i}`,
              String(RESEND_MS),
              ...ams.map((a) => a.url),
            ],
            readyPath: '/-/ready',
          }),
        );
    }, 90_000);

    afterAll(async () => {
      for (const r of replicas) await r.stop();
      for (const am of ams) await am.stop();
      hook?.close();
    });

    const push = async (replica: RunningServer, service: string, value: number): Promise<void> => {
      const rows = [{ labels: { __name__: 'fleet_up', service }, value, timestamp: Date.now() }];
      const res = await fetch(`${replica.url}/samples`, { method: 'POST', body: JSON.stringify(rows) });
      expect(res.status).toBe(204);
    };
    const notified = (service: string, status: 'firing' | 'resolved'): number =>
      hook.notifications.filter((n) => n.groupLabels['service'] === service && n.status === status).length;
    const amAlert = async (am: RunningServer, service: string): Promise<AmAlert | undefined> => {
      const all = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];
      return all.find((a) => a.labels['service'] === service);
    };

    it('the survivor keeps every group alive, notified exactly once, and resolves it', async () => {
      let before = await nflogQueries(ams);
      for (const r of replicas) await push(r, 'billing', 0);
      await waitUntil('the billing notification', () => notified('billing', 'firing') > 0);
      await waitForDecisions(ams, before, hook);
      expect(notified('billing', 'firing')).toBe(1);

      const dead = replicas[0]!;
      const survivor = replicas[1]!;
      process.kill(dead.pid, 'SIGKILL');
      await waitUntil('the killed replica to be gone', async () => {
        try {
          await fetch(`${dead.url}/-/ready`);
          return false;
        } catch {
          return true;
        }
      });
      // the dead replica's last endsAt for billing is at most killedAt + 4 s; once both Alertmanagers hold an
      // endsAt 2 s past that, only the survivor can have sent it, and the dead replica's endsAt has passed
      const killedAt = Date.now();
      for (const am of ams)
        await waitUntil(`billing refreshed by the survivor at ${am.url}`, async () => {
          const a = await amAlert(am, 'billing');
          return a !== undefined && Date.parse(a.endsAt) > killedAt + ENDS_AHEAD_MS + 2_000;
        });
      for (const am of ams) expect((await amAlert(am, 'billing'))?.status.state).toBe('active');
      expect(notified('billing', 'resolved')).toBe(0);

      before = await nflogQueries(ams);
      await push(survivor, 'checkout', 0);
      await waitUntil('the checkout notification', () => notified('checkout', 'firing') > 0);
      await waitForDecisions(ams, before, hook);

      await push(survivor, 'billing', 1);
      for (const am of ams)
        await waitUntil(
          `billing resolved at ${am.url}`,
          async () => (await amAlert(am, 'billing')) === undefined,
        );

      expect(notified('billing', 'firing')).toBe(1);
      expect(notified('checkout', 'firing')).toBe(1);
      expect(hook.notifications).toHaveLength(2);
    }, 120_000);
  },
);
