import { beforeAll, expect, it } from 'vitest';
import { parityAlert as alert, describeParity, type ParityRig, sleep } from './parity-helpers.js';

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

describeParity('parity with Alertmanager 0.25', config, (getRig) => {
  let rig: ParityRig;
  beforeAll(() => {
    rig = getRig();
  });

  it('sends the same notifications: groups, alerts, resolved, fingerprints, group keys', async () => {
    const now = Date.now();
    await rig.post('/api/v2/silences', {
      matchers: [{ name: 'instance', value: 'muted-.*', isRegex: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: 'parity',
      comment: 'regex silence',
    });
    rig.argus.silence({
      matchers: ['instance=~"muted-.*"'],
      endsAt: now + 3_600_000,
      createdBy: 'parity',
      comment: 'regex silence',
    });
    const dbDown = { alertname: 'DBDown', team: 'db', severity: 'critical', instance: 'db1' };
    const t0 = rig.mark();
    await rig.send([
      alert(dbDown, t0),
      alert({ alertname: 'DBSlow', team: 'db', severity: 'warning', instance: 'db1' }, t0),
      alert({ alertname: 'DBSlow', team: 'db', severity: 'warning', instance: 'db2' }, t0),
      alert({ alertname: 'WebErr', team: 'web', severity: 'warning', instance: 'web1' }, t0),
      alert({ alertname: 'Other', team: 'ops', instance: 'muted-1' }, t0),
      alert({ alertname: 'Other', team: 'ops', instance: 'x1' }, t0),
    ]);
    // resolve the inhibiting alert between flushes (1 s, 3 s, 5 s, 7 s): its targets come back at 3 s
    await sleep(t0 + 2000 - Date.now());
    await rig.send([alert(dbDown, t0, Date.now())]);
    // stop between flushes; repeat_interval 3s repeats unchanged groups at 5 s and changed ones at 7 s
    await sleep(t0 + 8000 - Date.now());

    const norm = (side: string) =>
      rig.captured
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
    const a = rig.captured.find((c) => c.side === 'am')!.body;
    const b = rig.captured.find((c) => c.side === 'argus')!.body;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(b.version).toBe('4');
    expect(b.alerts.find((x) => x.status === 'firing')?.endsAt).toBe('0001-01-01T00:00:00Z');
  }, 40_000);
});
