import { beforeAll, expect, it } from 'vitest';
import { parityAlert as alert, describeParity, type ParityRig, sleep } from './parity-helpers.js';

// repeat_interval is long, so every notification after the first ones comes from a change Alertmanager saw
const config = (hook: string, side: string): string => `
route:
  receiver: hook
  group_by: [alertname, cluster]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
receivers:
  - name: hook
    webhook_configs: [{ url: '${hook}/${side}/hook', send_resolved: true }]
`;

describeParity('parity with Alertmanager 0.25 when inhibitions and silences end', config, (getRig) => {
  let rig: ParityRig;
  beforeAll(() => {
    rig = getRig();
  });

  /** The same silence on both sides; returns both ids. */
  const silence = async (matcher: string, value: string, endsAt: number): Promise<[string, string]> => {
    const res = await rig.post('/api/v2/silences', {
      matchers: [{ name: matcher, value, isRegex: false }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      createdBy: 'parity',
      comment: 'parity',
    });
    const { silenceID } = (await res.json()) as { silenceID: string };
    const ours = rig.argus.silence({
      matchers: [`${matcher}="${value}"`],
      endsAt,
      createdBy: 'parity',
      comment: 'parity',
    });
    return [silenceID, ours];
  };
  const expire = async ([theirs, ours]: [string, string]): Promise<void> => {
    const res = await fetch(`${rig.real.url}/api/v2/silence/${theirs}`, { method: 'DELETE' });
    if (!res.ok) throw new Error(`expire silence: ${res.status}`);
    rig.argus.expireSilence(ours);
  };

  it('sends nothing again when an inhibition ends, a silence ends or one is expired early', async () => {
    const now = Date.now();
    const mem = await silence('alertname', 'Mem', now + 3_600_000);
    const t0 = rig.mark();
    const down = { alertname: 'Down', severity: 'critical', cluster: 'c1', instance: 'a' };
    await rig.send([
      alert({ alertname: 'Slow', severity: 'warning', cluster: 'c1', instance: 'a' }, t0),
      alert({ alertname: 'Disk', cluster: 'c2', instance: 'a' }, t0),
      alert({ alertname: 'Cpu', cluster: 'c3', instance: 'a' }, t0),
      alert({ alertname: 'Mem', cluster: 'c4', instance: 'a' }, t0),
    ]);
    // flush at 1 s: Slow, Disk, Cpu notified; Mem silenced from the start
    await sleep(t0 + 1500 - Date.now());
    await rig.send([alert(down, t0 + 1500)]);
    await silence('alertname', 'Disk', t0 + 4000); // ends by itself between the flushes at 3 s and 5 s
    const cpu = await silence('alertname', 'Cpu', t0 + 3_600_000);
    // flush at 3 s: Slow inhibited, Disk and Cpu silenced, Mem still silenced; Down's group notified at 2.5 s
    await sleep(t0 + 3600 - Date.now());
    await expire(cpu);
    await expire(mem);
    await rig.send([alert(down, t0 + 1500, Date.now())]);
    // flushes at 4.5 s (Down resolved) and 5 s, 7 s: Slow, Disk and Cpu come back unchanged, Mem is new
    await sleep(t0 + 8500 - Date.now());

    const norm = (side: string): string[] =>
      rig.captured
        .filter((c) => c.side === side)
        .map((c) => {
          const b = c.body;
          const alerts = b.alerts.map((a) => `${a.labels['alertname']}:${a.status}`).sort();
          return `${b.receiver} ${b.status} ${b.groupKey} [${alerts.join(' ')}]`;
        })
        .sort();
    const am = norm('am');
    expect(norm('argus')).toEqual(am);
    // what Alertmanager did, so the comparison cannot pass vacuously
    expect(am).toEqual([
      'hook firing {}:{alertname="Cpu", cluster="c3"} [Cpu:firing]',
      'hook firing {}:{alertname="Disk", cluster="c2"} [Disk:firing]',
      'hook firing {}:{alertname="Down", cluster="c1"} [Down:firing]',
      'hook firing {}:{alertname="Mem", cluster="c4"} [Mem:firing]',
      'hook firing {}:{alertname="Slow", cluster="c1"} [Slow:firing]',
      'hook resolved {}:{alertname="Down", cluster="c1"} [Down:resolved]',
    ]);
  }, 40_000);
});
