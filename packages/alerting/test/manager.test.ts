import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { type AlertManagerConfig, createAlertManager } from '../src/index.js';
import { brief, firing, recorder, resolved } from './am-helpers.js';

const S = 1000;

async function setup(config: (r: ReturnType<typeof recorder>) => AlertManagerConfig, extra = {}) {
  const clock = fakeClock({ now: 1_000_000 });
  const rec = recorder();
  const am = createAlertManager({ config: config(rec), clock, flap: false, ...extra });
  await am.start();
  const at = (s: number) => clock.advanceAsync(1_000_000 + s * S - clock.now());
  return { clock, rec, am, at, t: (s: number) => 1_000_000 + s * S };
}

const simple = (r: ReturnType<typeof recorder>, route = {}): AlertManagerConfig => ({
  route: {
    receiver: 'hook',
    groupBy: ['alertname'],
    groupWaitMs: 1 * S,
    groupIntervalMs: 2 * S,
    repeatIntervalMs: 10 * S,
    ...route,
  },
  receivers: [{ name: 'hook', notifiers: [r] }],
});

describe('alert manager: grouping and timers', () => {
  it('group_wait, group_interval, repeat_interval and resolved notifications, with Alertmanager reasons', async () => {
    const { am, rec, at, t } = await setup((r) => simple(r));
    am.ingest([firing({ alertname: 'A', i: '1' }, t(0))]);
    await at(0.999);
    expect(rec.sent).toEqual([]);
    await at(1);
    am.ingest([firing({ alertname: 'A', i: '2' }, t(1.5))]);
    await at(3);
    await at(12);
    await at(13);
    am.ingest([resolved({ alertname: 'A', i: '1' }, t(0), t(14))]);
    await at(15);
    am.ingest([resolved({ alertname: 'A', i: '2' }, t(0), t(16))]);
    await at(17);
    await at(40);
    expect(rec.sent.map(brief)).toEqual([
      'hook first notification [1:f]',
      'hook new alerts added [1:f,2:f]',
      'hook repeat interval elapsed [1:f,2:f]',
      'hook some alerts resolved [1:r,2:f]',
      'hook all alerts resolved [2:r]',
    ]);
    expect(rec.sent.map((n) => n.at - t(0))).toEqual([1000, 3000, 13000, 15000, 17000]);
    expect(rec.sent[0]!.groupKey).toBe('{}:{alertname="A"}');
    expect(rec.sent[4]!.status).toBe('resolved');
    expect(rec.sent[3]!.commonLabels).toEqual({ alertname: 'A' });
  });

  it('an alert that fires and resolves inside group_wait is never notified; an old alert flushes at once', async () => {
    const { am, rec, at, t } = await setup((r) => simple(r));
    am.ingest([firing({ alertname: 'A' }, t(0))]);
    am.ingest([resolved({ alertname: 'A' }, t(0), t(0.5))]);
    await at(10);
    expect(rec.sent).toEqual([]);
    am.ingest([firing({ alertname: 'B' }, t(10) - 60 * S)]);
    await at(10.001);
    expect(rec.sent.map(brief)).toEqual(['hook first notification [B:f]']);
  });

  it('routes depth-first with continue, inherits settings, and builds Alertmanager group keys', async () => {
    const recs = { db: recorder(), pager: recorder(), web: recorder(), hook: recorder() };
    const clock = fakeClock({ now: 0 });
    const am = createAlertManager({
      clock,
      config: {
        route: {
          receiver: 'hook',
          groupBy: ['alertname'],
          groupWaitMs: S,
          routes: [
            {
              matchers: ['team="db"'],
              receiver: 'db',
              continue: true,
              routes: [
                { matchers: ['severity=~"crit.*"', 'team="db"'], receiver: 'pager', groupBy: ['...'] },
              ],
            },
            { matchers: ['team=~"db|web"'], receiver: 'web' },
            { matchers: ['team="db"'], receiver: 'hook' },
          ],
        },
        receivers: Object.entries(recs).map(([name, r]) => ({ name, notifiers: [r] })),
      },
    });
    await am.start();
    am.ingest([
      firing({ alertname: 'X', team: 'db', severity: 'critical' }, 0),
      firing({ alertname: 'Y', team: 'db' }, 0),
      firing({ alertname: 'Z', team: 'ops' }, 0),
    ]);
    await clock.advanceAsync(S);
    expect(recs.pager.sent.map((n) => n.groupKey)).toEqual([
      '{}/{team="db"}/{severity=~"crit.*",team="db"}:{alertname="X", severity="critical", team="db"}',
    ]);
    expect(recs.db.sent.map((n) => n.groupKey)).toEqual(['{}/{team="db"}:{alertname="Y"}']);
    expect(recs.web.sent.map((n) => n.groupKey).sort()).toEqual([
      '{}/{team=~"db|web"}:{alertname="X"}',
      '{}/{team=~"db|web"}:{alertname="Y"}',
    ]);
    expect(recs.hook.sent.map((n) => n.groupKey)).toEqual(['{}:{alertname="Z"}']);
  });
});

describe('alert manager: muting', () => {
  it('inhibition with equal mutes targets only while the source fires', async () => {
    const { am, rec, at, t } = await setup((r) => ({
      ...simple(r, { groupBy: ['...'] }),
      inhibitRules: [
        {
          sourceMatchers: ['severity="critical"'],
          targetMatchers: ['severity="warning"'],
          equal: ['instance'],
        },
      ],
    }));
    am.ingest([
      firing({ alertname: 'Down', severity: 'critical', instance: 'a', i: 'crit-a' }, t(0)),
      firing({ alertname: 'Slow', severity: 'warning', instance: 'a', i: 'warn-a' }, t(0)),
      firing({ alertname: 'Slow', severity: 'warning', instance: 'b', i: 'warn-b' }, t(0)),
    ]);
    await at(1);
    expect(rec.sent.map(brief).sort()).toEqual([
      'hook first notification [crit-a:f]',
      'hook first notification [warn-b:f]',
    ]);
    const warnA = am.alerts().find((a) => a.labels['i'] === 'warn-a')!;
    expect(warnA.status.state).toBe('suppressed');
    expect(warnA.status.inhibitedBy).toHaveLength(1);
    am.ingest([
      resolved({ alertname: 'Down', severity: 'critical', instance: 'a', i: 'crit-a' }, t(0), t(2)),
    ]);
    await at(3);
    expect(rec.sent.slice(2).map(brief).sort()).toEqual([
      'hook all alerts resolved [crit-a:r]',
      'hook first notification [warn-a:f]',
    ]);
  });

  it('when an inhibition or a silence ends, alerts already notified within repeat_interval are not sent again', async () => {
    const { am, rec, at, t } = await setup((r) => ({
      ...simple(r, { groupBy: ['alertname', 'cluster'], repeatIntervalMs: 3600 * S }),
      inhibitRules: [
        {
          sourceMatchers: ['severity="critical"'],
          targetMatchers: ['severity="warning"'],
          equal: ['cluster'],
        },
      ],
    }));
    const down = { alertname: 'Down', severity: 'critical', cluster: 'c1', i: 'down' };
    am.ingest([
      firing({ alertname: 'Slow', severity: 'warning', cluster: 'c1', i: 'slow' }, t(0)),
      firing({ alertname: 'Disk', cluster: 'c2', i: 'disk' }, t(0)),
      firing({ alertname: 'Cpu', cluster: 'c3', i: 'cpu' }, t(0)),
    ]);
    await at(1);
    expect(rec.sent.map(brief).sort()).toEqual([
      'hook first notification [cpu:f]',
      'hook first notification [disk:f]',
      'hook first notification [slow:f]',
    ]);
    am.ingest([firing(down, t(1.5))]);
    am.silence({ matchers: ['alertname="Disk"'], endsAt: t(4), createdBy: 't', comment: 'ends' });
    const early = am.silence({
      matchers: ['alertname="Cpu"'],
      endsAt: t(100),
      createdBy: 't',
      comment: 'early',
    });
    await at(3.5);
    expect(rec.sent.slice(3).map(brief)).toEqual(['hook first notification [down:f]']);
    am.expireSilence(early);
    am.ingest([resolved(down, t(1.5), t(4.5))]);
    await at(20);
    // every muted group flushed at 3, 5, 7, …: Alertmanager (notify.go) stops its pipeline when nothing is left
    // unmuted, so the nflog still holds the alerts sent at 1 s and nothing repeats before repeat_interval
    expect(rec.sent.slice(4).map(brief)).toEqual(['hook all alerts resolved [down:r]']);
  });

  it('inhibition: missing equal labels count as equal; alerts matching both sides do not inhibit each other', async () => {
    const { am, t } = await setup((r) => ({
      ...simple(r),
      inhibitRules: [
        { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['zone'] },
        { sourceMatchers: ['tier="core"'], targetMatchers: ['tier=~"core|edge"'], equal: [] },
      ],
    }));
    am.ingest([
      firing({ alertname: 'Crit', severity: 'critical', i: 'c' }, t(0)),
      firing({ alertname: 'Warn', severity: 'warning', i: 'w' }, t(0)),
      firing({ alertname: 'WarnZ', severity: 'warning', zone: 'eu', i: 'wz' }, t(0)),
      firing({ alertname: 'Core1', tier: 'core', i: 'core1' }, t(0)),
      firing({ alertname: 'Core2', tier: 'core', i: 'core2' }, t(0)),
      firing({ alertname: 'Edge', tier: 'edge', i: 'edge' }, t(0)),
    ]);
    const state = Object.fromEntries(am.alerts().map((a) => [a.labels['i'], a.status.inhibitedBy.length]));
    // w has no zone, like c: inhibited; wz has zone=eu: not; core alerts match both sides of rule 2: never inhibited
    // by each other; edge is inhibited by both core alerts
    expect(state).toEqual({ c: 0, w: 1, wz: 0, core1: 0, core2: 0, edge: 2 });
    am.ingest([resolved({ alertname: 'Crit', severity: 'critical', i: 'c' }, t(0), t(0))]);
    expect(am.alerts().find((a) => a.labels['i'] === 'w')!.status.inhibitedBy).toEqual([]);
  });

  it('a regex silence mutes until it expires; expireSilence ends it early', async () => {
    const { am, rec, at, t } = await setup((r) => simple(r, { groupBy: ['...'] }));
    const id = am.silence({ matchers: ['i=~"web-.*"'], endsAt: t(100), createdBy: 'ann', comment: 'deploy' });
    am.ingest([firing({ alertname: 'A', i: 'web-1' }, t(0)), firing({ alertname: 'A', i: 'db-1' }, t(0))]);
    await at(5);
    expect(rec.sent.map(brief)).toEqual(['hook first notification [db-1:f]']);
    expect(am.silences()).toMatchObject([{ id, state: 'active', createdBy: 'ann' }]);
    am.expireSilence(id);
    await at(7);
    expect(rec.sent.map(brief)).toEqual([
      'hook first notification [db-1:f]',
      'hook first notification [web-1:f]',
    ]);
    expect(() => am.silence({ matchers: ['i=~".*"'], endsAt: t(9), createdBy: 'x', comment: '' })).toThrow(
      /must not match the empty string/,
    );
    // coded errors naming the function and the field
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(
      thrown(() => am.silence({ matchers: ['i="1"'], endsAt: t(9), createdBy: '', comment: '' })),
    ).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/^alert manager silence\(\): createdBy: /),
    });
    expect(
      thrown(() => am.silence({ matchers: ['1i="x"'], endsAt: t(9), createdBy: 'x', comment: '' })),
    ).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/silence\(\): matchers\[0\]: invalid matcher/),
    });
    expect(thrown(() => am.expireSilence('nope'))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/expireSilence\(\): id: silence not found: nope/),
    });
  });

  it('mute and active time intervals suppress sending but not grouping', async () => {
    const { am, rec, at, t } = await setup((r) => ({
      route: {
        receiver: 'hook',
        groupWaitMs: S,
        groupIntervalMs: 2 * S,
        routes: [
          { matchers: ['k="muted"'], muteTimeIntervals: ['always'] },
          { matchers: ['k="never-active"'], activeTimeIntervals: ['y1999'] },
          { matchers: ['k="active"'], activeTimeIntervals: ['always'] },
        ],
      },
      receivers: [{ name: 'hook', notifiers: [r] }],
      timeIntervals: [
        {
          name: 'always',
          timeIntervals: [
            { weekdays: ['sunday:saturday'], times: [{ startTime: '00:00', endTime: '24:00' }] },
          ],
        },
        { name: 'y1999', timeIntervals: [{ years: ['1999'] }] },
      ],
    }));
    am.ingest(['muted', 'never-active', 'active'].map((k) => firing({ alertname: k, k }, t(0))));
    await at(5);
    expect(rec.sent.map(brief)).toEqual(['hook first notification [active:f]']);
    expect(am.groups()).toHaveLength(3);
  });
});

describe('alert manager: beyond Alertmanager', () => {
  it('an acked alert stops repeating until it changes; history records who and why', async () => {
    const { am, rec, at, t } = await setup((r) => simple(r));
    const labels = { alertname: 'A' };
    am.ingest([firing(labels, t(0))]);
    await at(1);
    const fp = am.alerts()[0]!.fingerprint;
    am.ack(fp, 'ann', 'looking');
    await at(30);
    expect(rec.sent.map((n) => n.reason)).toEqual(['first notification']);
    am.ingest([resolved(labels, t(0), t(31))]);
    am.ingest([firing(labels, t(31.5))]);
    await at(33);
    // the re-fire cleared the ack, so the repeat (due since 11 s) goes out at the next flush
    expect(rec.sent.map((n) => n.reason)).toEqual(['first notification', 'repeat interval elapsed']);
    expect(am.history({ fingerprint: fp, events: ['acked'] })).toMatchObject([{ reason: 'ann: looking' }]);
    expect(() => am.ack('0000000000000000', 'x')).toThrow(/no firing alert/);
    expect(() => am.ack('0000000000000000', 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('flap detection marks a flapping alert and damps its notifications until it is stable', async () => {
    const clock = fakeClock({ now: 0 });
    const rec = recorder();
    const am = createAlertManager({
      clock,
      config: simple(rec),
      flap: { windowMs: 60 * S, startChanges: 4, stopChanges: 1 },
    });
    await am.start();
    const l = { alertname: 'F' };
    for (let i = 0; i < 10; i++) {
      am.ingest([i % 2 === 0 ? firing(l, clock.now()) : resolved(l, 0, clock.now())]);
      await clock.advanceAsync(3 * S);
    }
    const flapping = am.history({ events: ['flapping'] });
    expect(flapping).toHaveLength(1);
    expect(flapping[0]!.at).toBe(9 * S);
    // after flapping starts (9 s) the alert is shown frozen as firing: only repeats go out, no resolve/re-fire churn
    expect(
      rec.sent.map((n) => `${n.at / S}:${n.reason}:${n.alerts[0]!.status}:${n.alerts[0]!.flapping ?? false}`),
    ).toEqual([
      '1:first notification:firing:false',
      '5:all alerts resolved:resolved:false',
      '7:new alerts added:firing:false',
      '17:repeat interval elapsed:firing:true',
      '27:repeat interval elapsed:firing:true',
    ]);
    await clock.advanceAsync(120 * S);
    expect(am.history({ events: ['stable'] })).toHaveLength(1);
  });

  it('storm caps hold back a receiver past its rate and coalesce per group', async () => {
    const { am, rec, at, t } = await setup((r) => ({
      route: { receiver: 'hook', groupBy: ['...'], groupWaitMs: S, groupIntervalMs: 2 * S },
      receivers: [{ name: 'hook', notifiers: [r], storm: { maxNotifications: 2, windowMs: 60 * S } }],
    }));
    am.ingest([1, 2, 3, 4, 5].map((i) => firing({ alertname: 'S', i: String(i) }, t(0))));
    await at(30);
    expect(rec.sent).toHaveLength(2);
    await at(61);
    expect(rec.sent).toHaveLength(4);
    await at(200);
    expect(rec.sent).toHaveLength(5);
  });
});

describe('alert manager: config errors', () => {
  it('names the field', () => {
    const r = recorder();
    const cases: [AlertManagerConfig, RegExp][] = [
      [{ route: {}, receivers: [{ name: 'x', notifiers: [r] }] }, /route\.receiver/],
      [
        { route: { receiver: 'nope' }, receivers: [{ name: 'x' }] },
        /route\.receiver: no receiver named "nope"/,
      ],
      [
        { route: { receiver: 'x', routes: [{ matchers: ['a=~"("'] }] }, receivers: [{ name: 'x' }] },
        /route\.routes\[0\]\.matchers/,
      ],
      [
        { route: { receiver: 'x', routes: [{ muteTimeIntervals: ['n'] }] }, receivers: [{ name: 'x' }] },
        /no time interval named "n"/,
      ],
      [{ route: { receiver: 'x', groupWaitMs: -1 }, receivers: [{ name: 'x' }] }, /route\.groupWaitMs/],
      [
        { route: { receiver: 'x' }, receivers: [{ name: 'x', notifiers: [{} as never] }] },
        /receivers\[0\]\.notifiers\[0\]/,
      ],
      [
        { route: { receiver: 'x', matchers: ['a="b"'] }, receivers: [{ name: 'x' }] },
        /may not have matchers/,
      ],
      [
        {
          route: { receiver: 'x' },
          receivers: [{ name: 'x' }],
          timeIntervals: [{ name: 'w', timeIntervals: [{ weekdays: ['monday:sunday'] }] }],
        },
        /start day cannot be before end day/,
      ],
    ];
    for (const [cfg, re] of cases) {
      expect(() => createAlertManager({ config: cfg })).toThrow(
        expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringMatching(re) }),
      );
    }
  });
});
