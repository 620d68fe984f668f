import { createServer, type Server } from 'node:http';
import { type Alert, fingerprint, type Labels } from '@argus/core';
import { describeWithBinary, type RunningServer, startAlertmanager } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AlertManager, createAlertManager, loadAlertmanagerConfig } from '../src/index.js';

// The same alertmanager.yml drives the real Alertmanager 0.25 and Argus; only the webhook path differs
// (/am/… or /argus/…), so one capture server sees both sides.
const config = (hook: string, side: string): string => `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
  routes:
    - matchers: ['team="db"']
      receiver: db
      continue: true
      routes:
        - matchers: ['severity="critical"']
          receiver: pager
          group_by: ['...']
    - matchers: ['team=~"db|web"']
      receiver: web
      group_by: [alertname, instance]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [instance]
receivers:
${['default', 'db', 'pager', 'web'].map((r) => `  - name: ${r}\n    webhook_configs: [{ url: '${hook}/${side}/${r}', send_resolved: true }]`).join('\n')}
`;

interface Captured {
  side: string;
  at: number;
  body: {
    receiver: string;
    status: string;
    groupKey: string;
    groupLabels: Labels;
    commonLabels: Labels;
    truncatedAlerts: number;
    version: string;
    alerts: { status: string; fingerprint: string; labels: Labels; endsAt: string }[];
  };
}

const alert = (labels: Labels, startsAt: number, endsAt?: number): Alert => ({
  labels,
  annotations: { summary: `${labels['alertname']} on ${labels['instance']}` },
  state: endsAt === undefined ? 'firing' : 'resolved',
  startsAt,
  ...(endsAt === undefined ? {} : { endsAt }),
  fingerprint: fingerprint(labels),
  origin: 'parity',
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'parity with Alertmanager 0.25',
  () => {
    const captured: Captured[] = [];
    let capture: Server;
    let real: RunningServer;
    let argus: AlertManager;
    let t0 = 0;

    beforeAll(async () => {
      capture = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          captured.push({ side: req.url!.split('/')[1]!, at: Date.now() - t0, body: JSON.parse(body) });
          res.end();
        });
      });
      await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
      const hook = `http://127.0.0.1:${(capture.address() as { port: number }).port}`;
      real = await startAlertmanager({ config: config(hook, 'am') });
      argus = createAlertManager({
        config: loadAlertmanagerConfig(config(hook, 'argus')),
        externalURL: real.url,
      });
      await argus.start();
    }, 30_000);

    afterAll(async () => {
      await argus?.stop();
      await real?.stop();
      capture?.close();
    });

    const post = async (path: string, body: unknown): Promise<void> => {
      const res = await fetch(`${real.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`alertmanager ${path}: ${res.status} ${await res.text()}`);
    };
    const send = async (alerts: Alert[]): Promise<void> => {
      const iso = (t: number) => new Date(t).toISOString();
      const body = alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: iso(a.startsAt),
        ...(a.endsAt ? { endsAt: iso(a.endsAt) } : {}),
      }));
      await post('/api/v2/alerts', body);
      argus.ingest(alerts);
    };

    it('sends the same notifications: groups, alerts, resolved, fingerprints, group keys', async () => {
      const now = Date.now();
      await post('/api/v2/silences', {
        matchers: [{ name: 'instance', value: 'muted-.*', isRegex: true }],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        createdBy: 'parity',
        comment: 'regex silence',
      });
      argus.silence({
        matchers: ['instance=~"muted-.*"'],
        endsAt: now + 3_600_000,
        createdBy: 'parity',
        comment: 'regex silence',
      });
      const dbDown = { alertname: 'DBDown', team: 'db', severity: 'critical', instance: 'db1' };
      t0 = Date.now();
      await send([
        alert(dbDown, t0),
        alert({ alertname: 'DBSlow', team: 'db', severity: 'warning', instance: 'db1' }, t0),
        alert({ alertname: 'DBSlow', team: 'db', severity: 'warning', instance: 'db2' }, t0),
        alert({ alertname: 'WebErr', team: 'web', severity: 'warning', instance: 'web1' }, t0),
        alert({ alertname: 'Other', team: 'ops', instance: 'muted-1' }, t0),
        alert({ alertname: 'Other', team: 'ops', instance: 'x1' }, t0),
      ]);
      // resolve the inhibiting alert between flushes (1 s, 3 s, 5 s, 7 s): its targets come back at 3 s
      await sleep(t0 + 2000 - Date.now());
      await send([alert(dbDown, t0, Date.now())]);
      // stop between flushes; repeat_interval 3s repeats unchanged groups at 5 s and changed ones at 7 s
      await sleep(t0 + 8000 - Date.now());

      const norm = (side: string) =>
        captured
          .filter((c) => c.side === side && c.at < 8000)
          .map((c) => {
            const b = c.body;
            const alerts = b.alerts
              .map((a) => `${a.fingerprint}:${a.labels['alertname']}/${a.labels['instance']}:${a.status}`)
              .sort();
            return `${Math.round(c.at / 2000)} ${b.receiver} ${b.status} ${b.groupKey} ${JSON.stringify(b.groupLabels)} ${JSON.stringify(b.commonLabels)} [${alerts.join(' ')}]`;
          })
          .sort();
      const am = norm('am');
      const ours = norm('argus');
      expect(am.length).toBeGreaterThan(8);
      expect(ours).toEqual(am);
      // what the comparison covers, checked on Alertmanager's side so the test cannot pass vacuously
      const all = am.join('\n');
      expect(all).toContain(
        '{}/{team="db"}/{severity="critical"}:{alertname="DBDown", instance="db1", severity="critical", team="db"}',
      );
      expect(all).toContain('{}/{team=~"db|web"}:{alertname="WebErr", instance="web1"}');
      expect(all).toMatch(/DBDown\/db1:resolved/);
      expect(all).not.toContain('muted-1');
      expect(am.filter((l) => l.includes('DBSlow/db1')).every((l) => !l.startsWith('0 '))).toBe(true);
      // payload shape: same keys, version 4, firing alerts with the Go zero time
      const a = captured.find((c) => c.side === 'am')!.body;
      const b = captured.find((c) => c.side === 'argus')!.body;
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      expect(b.version).toBe('4');
      expect(b.alerts.find((x) => x.status === 'firing')?.endsAt).toBe('0001-01-01T00:00:00Z');
    }, 40_000);
  },
);
