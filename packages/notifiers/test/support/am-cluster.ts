// A real two-node Alertmanager 0.25 gossip cluster and a webhook receiver, shared by the HA tests.
import { createServer, type Server } from 'node:http';
import { freePort, type RunningServer, startAlertmanager, waitUntil } from '@argus/testkit';

/** One webhook body as Alertmanager 0.25 sends it (the fields the tests read). */
export interface Notification {
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
}

/** The webhook: every notification it received, in order. */
export interface Webhook {
  readonly url: string;
  readonly notifications: Notification[];
  close(): void;
}

export async function startWebhook(): Promise<Webhook> {
  const notifications: Notification[] = [];
  const server: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      notifications.push(JSON.parse(b) as Notification);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, notifications, close: () => server.close() };
}

/** A counter or gauge read from an Alertmanager's own /metrics (0 when absent). */
export async function amMetric(am: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${am.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/**
 * Starts two Alertmanagers peered over gossip, with `route` (a YAML flow mapping without the receiver) sending to
 * `hook`, and resolves once both report a ready cluster of two peers.
 */
export async function startAmCluster(hook: Webhook, route: string): Promise<RunningServer[]> {
  const config = `route: { receiver: hook, ${route} }
receivers: [{ name: hook, webhook_configs: [{ url: '${hook.url}', send_resolved: true }] }]
`;
  // short gossip and peer timeouts so the cluster settles and the second peer decides within seconds
  const extraArgs = [
    '--cluster.peer-timeout=2s',
    '--cluster.gossip-interval=100ms',
    '--cluster.pushpull-interval=1s',
  ];
  const ams: RunningServer[] = [];
  const first = await freePort();
  ams.push(await startAlertmanager({ config, extraArgs, cluster: { port: first } }));
  const second = await freePort();
  ams.push(
    await startAlertmanager({ config, extraArgs, cluster: { port: second, peers: [`127.0.0.1:${first}`] } }),
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
  return ams;
}

/**
 * Waits until every Alertmanager in `ams` has queried its notification log since `before` (its dedup stage: once
 * each has, each has decided, and a later peer saw an earlier one's entry) and until the webhook sends counted in
 * their metrics equal what arrived at `hook` (so `ams` must be every peer that ever sent). Then count.
 */
export async function waitForDecisions(ams: RunningServer[], before: number[], hook: Webhook): Promise<void> {
  await waitUntil('every live peer to have run its dedup stage', async () => {
    const now = await Promise.all(ams.map((am) => amMetric(am, 'alertmanager_nflog_queries_total')));
    return now.every((n, i) => n > before[i]!);
  });
  await waitUntil('every peer to finish sending', async () => {
    const sent = await Promise.all(
      ams.map((am) => amMetric(am, 'alertmanager_notifications_total{integration="webhook"}')),
    );
    return sent.reduce((a, b) => a + b, 0) === hook.notifications.length;
  });
}

/** The nflog query counters of `ams`, to pass to {@link waitForDecisions} as `before`. */
export function nflogQueries(ams: RunningServer[]): Promise<number[]> {
  return Promise.all(ams.map((am) => amMetric(am, 'alertmanager_nflog_queries_total')));
}
