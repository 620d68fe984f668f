import { type Alert, memoryStateStore } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { type AlertManagerConfig, createAlertManager } from '../src/index.js';
import { FingerprintIndex } from '../src/manager/fp-index.js';
import { Journal } from '../src/manager/journal.js';
import { brief, firing, recorder, resolved } from './am-helpers.js';

// The alert table keeps alerts in reusable slots, groups in nested maps by group-by value and the history in a
// ring; these tests go through the public API at the places where that layout could leak.

const S = 1000;
const T0 = 1_000_000;

function config(r: ReturnType<typeof recorder>, groupBy: string[] = ['alertname']): AlertManagerConfig {
  return {
    route: { receiver: 'hook', groupBy, groupWaitMs: S, groupIntervalMs: 2 * S, repeatIntervalMs: 3_600 * S },
    receivers: [{ name: 'hook', notifiers: [r] }],
  };
}

async function setup(extra: Record<string, unknown> = {}, groupBy?: string[]) {
  const clock = fakeClock({ now: T0 });
  const rec = recorder();
  const am = createAlertManager({ config: config(rec, groupBy), clock, flap: false, ...extra });
  await am.start();
  const at = (s: number) => clock.advanceAsync(T0 + s * S - clock.now());
  return { clock, rec, am, at };
}

describe('alert table', () => {
  it('a slot freed by a resolved alert carries nothing (ack, flap history) to the alert that reuses it', async () => {
    const { am, at } = await setup({ flap: { windowMs: 600 * S, startChanges: 3, stopChanges: 1 } });
    const a = firing({ alertname: 'A', i: '1' }, T0);
    am.ingest([a]);
    am.ack(a.fingerprint, 'ann', 'mine');
    am.ingest([resolved(a.labels, T0, T0 + S)]);
    await at(3);
    // resolved, notified and out of its group; kept only while its changes are recent (flap detection)
    await at(700);
    await at(731);
    expect(am.alerts()).toEqual([]);
    const b = firing({ alertname: 'B', i: '2' }, T0 + 731 * S);
    am.ingest([b]);
    const [view] = am.alerts();
    expect(view!.fingerprint).toBe(b.fingerprint);
    expect(view!.ack).toBeUndefined();
    expect(view!.changes).toEqual([T0 + 731 * S]);
    expect(view!.flapping).toBe(false);
  });

  it('an alert missing a group-by label and one with it empty are in different groups', async () => {
    const { am, rec, at } = await setup({}, ['alertname', 'team']);
    am.ingest([
      firing({ alertname: 'A', i: '1' }, T0),
      firing({ alertname: 'A', i: '2', team: '' }, T0),
      firing({ alertname: 'A', i: '3', team: 'x' }, T0),
      firing({ alertname: 'A', i: '4' }, T0),
    ]);
    await at(1);
    expect(rec.sent.map((n) => n.groupKey).sort()).toEqual([
      '{}:{alertname="A", team=""}',
      '{}:{alertname="A", team="x"}',
      '{}:{alertname="A"}',
    ]);
    expect(
      am
        .groups()
        .map((g) => g.alerts.length)
        .sort(),
    ).toEqual([1, 1, 2]);
  });

  it('empty groups are removed and the same labels make a new group later', async () => {
    const { am, rec, at } = await setup();
    const a = firing({ alertname: 'A' }, T0);
    am.ingest([a]);
    await at(1);
    am.ingest([resolved(a.labels, T0, T0 + 2 * S)]);
    await at(3);
    await at(40); // maintenance runs every 30 s
    expect(am.groups()).toEqual([]);
    am.ingest([firing({ alertname: 'A' }, T0 + 41 * S)]);
    await at(42);
    // the notification log outlives the group (as Alertmanager's nflog does), so this is not a "first" one
    expect(rec.sent.map(brief)).toEqual([
      'hook first notification [A:f]',
      'hook all alerts resolved [A:r]',
      'hook new alerts added [A:f]',
    ]);
    expect(am.groups()).toHaveLength(1);
  });

  it('fingerprints that are not 16 hex digits (a plugin of its own) still dedup', async () => {
    const { am } = await setup();
    const own: Alert = { ...firing({ alertname: 'A' }, T0), fingerprint: 'my-key/1' };
    am.ingest([own, { ...own, annotations: { v: '2' } }]);
    expect(am.alerts()).toHaveLength(1);
    expect(am.alerts()[0]!.annotations).toEqual({ v: '2' });
  });
});

describe('alert history ring', () => {
  it('keeps the newest historyLimit entries, newest first, with their details', async () => {
    const { am } = await setup({ historyLimit: 5 });
    for (let i = 0; i < 8; i++) am.ingest([firing({ alertname: 'A', i: String(i) }, T0)]);
    const h = am.history();
    expect(h.map((e) => e.labels?.['i'])).toEqual(['7', '6', '5', '4', '3']);
    expect(h.map((e) => e.seq)).toEqual([7, 6, 5, 4, 3]);
    expect(am.history({ limit: 2, events: ['firing'] }).map((e) => e.seq)).toEqual([7, 6]);
    expect(h[0]).toEqual({
      seq: 7,
      at: T0,
      event: 'firing',
      fingerprint: firing({ alertname: 'A', i: '7' }, T0).fingerprint,
      labels: { alertname: 'A', i: '7' },
    });
  });

  it('grows its ring past the first 1,024 entries up to the limit without losing or reordering any', async () => {
    const { am } = await setup({ historyLimit: 3_000 });
    for (let i = 0; i < 5_000; i++) am.ingest([firing({ alertname: 'A', i: String(i) }, T0)]);
    const h = am.history({ limit: 10_000 });
    expect(h).toHaveLength(3_000);
    expect(h.every((e, k) => e.seq === 4_999 - k && e.labels?.['i'] === String(4_999 - k))).toBe(true);
  });

  it('persists in chunks, deletes chunks wholly past the limit, and continues its numbering after a restart', async () => {
    const state = memoryStateStore();
    const clock = fakeClock({ now: T0 });
    const mk = () =>
      createAlertManager({ config: config(recorder()), clock, state, flap: false, historyLimit: 300 });
    const first = mk();
    await first.start();
    for (let i = 0; i < 1_000; i++) first.ingest([firing({ alertname: 'A', i: String(i) }, T0)]);
    await first.flushed();
    // 1,000 entries, limit 300: entries 700..999 are held, in chunks 2 (512..767) and 3 (768..1023)
    const { state: stored } = await Journal.open(state);
    expect([...stored.keys()].filter((k) => k.startsWith('am/history/')).sort()).toEqual([
      'am/history/0000000002',
      'am/history/0000000003',
    ]);
    await first.stop();
    const second = mk();
    await second.start();
    second.ingest([firing({ alertname: 'A', i: 'after' }, T0)]);
    const h = second.history({ limit: 1_000 });
    expect(h).toHaveLength(300);
    expect(h[0]!.seq).toBe(1_000);
    expect(h.at(-1)!.seq).toBe(701);
    await second.stop();
  });
});

describe('fingerprint index', () => {
  it('keeps fingerprints that share a number apart, through adds and deletes', () => {
    const fps: (string | undefined)[] = [];
    const index = new FingerprintIndex(fps);
    // the same last 8 characters give the same number
    const ids = ['00000000deadbeef', '11111111deadbeef', '22222222deadbeef', 'feedface01234567', 'short'];
    ids.forEach((fp, slot) => {
      expect(index.get(fp)).toBe(-1);
      fps[slot] = fp;
      index.set(fp, slot);
    });
    expect(ids.map((fp) => index.get(fp))).toEqual([0, 1, 2, 3, 4]);
    expect(index.get('33333333deadbeef')).toBe(-1);
    index.delete('00000000deadbeef', 0);
    fps[0] = undefined;
    expect(ids.map((fp) => index.get(fp))).toEqual([-1, 1, 2, 3, 4]);
    index.delete('22222222deadbeef', 2);
    fps[2] = undefined;
    expect(ids.map((fp) => index.get(fp))).toEqual([-1, 1, -1, 3, 4]);
    fps[0] = '00000000deadbeef';
    index.set('00000000deadbeef', 0);
    expect(ids.map((fp) => index.get(fp))).toEqual([0, 1, -1, 3, 4]);
    expect(index.size).toBe(4);
  });

  it('agrees with a plain map through random adds and deletes, across growth and shared numbers', () => {
    const fps: (string | undefined)[] = [];
    const index = new FingerprintIndex(fps);
    const model = new Map<string, number>();
    const free: number[] = [];
    let deletes = 0;
    let seed = 7;
    const rnd = (n: number) => {
      // an LCG's low bits cycle (the lowest alternates): take the high ones
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    // 20,000 fingerprints, 4 to each of 5,000 numbers (the same last 8 characters): the table grows past 4,096
    const fpOf = (i: number) =>
      `${Math.floor(i / 5000)
        .toString(16)
        .padStart(8, '0')}${(i % 5000).toString(16).padStart(8, '0')}`;
    // the first disagreement, checked once at the end: 120,000 expect() calls made this CPU-bound test slow
    // enough to time out on a loaded machine
    let mismatch: string | undefined;
    for (let step = 0; step < 60_000 && mismatch === undefined; step++) {
      const fp = fpOf(rnd(20_000));
      const at = model.get(fp);
      if (index.get(fp) !== (at ?? -1))
        mismatch = `step ${step}: get(${fp}) = ${index.get(fp)}, expected ${at ?? -1}`;
      if (at === undefined && rnd(3) > 0) {
        const slot = free.pop() ?? fps.length;
        fps[slot] = fp;
        index.set(fp, slot);
        model.set(fp, slot);
      } else if (at !== undefined && rnd(2) === 0) {
        index.delete(fp, at);
        deletes++;
        fps[at] = undefined;
        free.push(at);
        model.delete(fp);
      }
      if (mismatch === undefined && index.size !== model.size)
        mismatch = `step ${step}: size ${index.size}, expected ${model.size}`;
    }
    expect(mismatch).toBeUndefined();
    expect(model.size).toBeGreaterThan(5_000);
    expect(deletes).toBeGreaterThan(10_000);
    for (const [fp, slot] of model) expect(index.get(fp)).toBe(slot);
  });
});
