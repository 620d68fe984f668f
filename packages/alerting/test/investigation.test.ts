// Background investigations in the alert manager, with a scripted investigator on a fake clock. The end-to-end
// test against a real inference engine and a real webhook receiver lives in @argus/detector-ollama.
import { type Logger, memoryStateStore } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { type AlertManagerConfig, createAlertManager, type InvestigationInput } from '../src/index.js';
import { brief, firing, recorder, resolved } from './am-helpers.js';

const S = 1000;
const T0 = 1_000_000;
const t = (s: number) => T0 + s * S;

/** An investigator whose answers the test releases by hand. */
function scripted() {
  const calls: {
    input: InvestigationInput;
    signal: AbortSignal;
    answer(a?: Record<string, string>): void;
  }[] = [];
  const investigate = (input: InvestigationInput, ctx: { signal: AbortSignal }) =>
    new Promise<Record<string, string> | undefined>((resolve) => {
      calls.push({ input, signal: ctx.signal, answer: resolve });
      ctx.signal.addEventListener('abort', () => resolve(undefined));
    });
  return { calls, investigate };
}

function warnings(): Logger & { warned: string[] } {
  const warned: string[] = [];
  const noop = () => {};
  const log = { debug: noop, info: noop, error: noop, warn: (m: string) => warned.push(m), warned };
  return log as unknown as Logger & { warned: string[] };
}

async function setup(extra: { maxInFlight?: number; timeoutMs?: number; notifiers?: number } = {}) {
  const clock = fakeClock({ now: T0 });
  const recs = Array.from({ length: extra.notifiers ?? 1 }, () => recorder());
  const inv = scripted();
  const log = warnings();
  const config: AlertManagerConfig = {
    route: {
      receiver: 'hook',
      groupBy: ['alertname'],
      groupWaitMs: 1 * S,
      groupIntervalMs: 2 * S,
      repeatIntervalMs: 10 * S,
    },
    receivers: [{ name: 'hook', notifiers: recs }],
  };
  const am = createAlertManager({
    config,
    clock,
    flap: false,
    log,
    investigation: { investigate: inv.investigate, ...extra },
  });
  await am.start();
  const at = (s: number) => clock.advanceAsync(t(s) - clock.now());
  return { am, rec: recs[0]!, recs, inv, log, at };
}

describe('alert manager: background investigations', () => {
  it('an alert that fires is investigated on its own; the answer goes out once as a follow-up, not as a repeat', async () => {
    const { am, rec, recs, inv, at } = await setup({ notifiers: 2 });
    am.ingest([firing({ alertname: 'A', i: '1' }, t(0))]);
    await at(1);
    expect(inv.calls).toHaveLength(1);
    expect(inv.calls[0]!.input).toMatchObject({ receiver: 'hook', groupLabels: { alertname: 'A' } });
    expect(inv.calls[0]!.input.alerts.map((a) => a.labels['i'])).toEqual(['1']);
    await at(4);
    inv.calls[0]!.answer({ ai_recommendations: '1. add a disk' });
    await at(4.5);
    // the alerter re-sends its alert with its own annotations: the attached ones stay
    am.ingest([firing({ alertname: 'A', i: '1' }, t(0))]);
    await at(12);
    for (const r of recs)
      expect(r.sent.map(brief)).toEqual([
        'hook first notification [1:f]',
        'hook investigation follow-up [1:f]',
        'hook repeat interval elapsed [1:f]',
      ]);
    // the repeat is due 10 s after the first notification, as without the follow-up
    expect(rec.sent.map((n) => n.at - t(0))).toEqual([1000, 4000, 11000]);
    expect(rec.sent[1]!.alerts[0]!.annotations).toEqual({ ai_recommendations: '1. add a disk' });
    expect(rec.sent[1]!.groupKey).toBe(rec.sent[0]!.groupKey);
    expect(rec.sent[2]!.alerts[0]!.annotations).toEqual({ ai_recommendations: '1. add a disk' });
    expect(am.alerts()[0]!.annotations).toEqual({ ai_recommendations: '1. add a disk' });
    // newest first
    expect(am.history({ events: ['notified'] }).map((e) => e.reason)).toEqual([
      'repeat interval elapsed',
      'repeat interval elapsed',
      'investigation follow-up',
      'investigation follow-up',
      'first notification',
      'first notification',
    ]);
    expect(inv.calls).toHaveLength(1);
    expect(am.investigations()).toMatchObject({ started: 1, followUps: 1, unanswered: 0, inFlight: 0 });
  });

  it('a new alert in the group is investigated on its own; a re-fire after a resolve is a new episode', async () => {
    const { am, rec, inv, at } = await setup();
    am.ingest([firing({ alertname: 'A', i: '1' }, t(0))]);
    await at(1);
    inv.calls[0]!.answer({ note: 'one' });
    am.ingest([firing({ alertname: 'A', i: '2' }, t(1.5))]);
    await at(3);
    expect(inv.calls.map((c) => c.input.alerts.map((a) => a.labels['i']))).toEqual([['1'], ['2']]);
    inv.calls[1]!.answer({ note: 'two' });
    await at(3.5);
    am.ingest([resolved({ alertname: 'A', i: '1' }, t(0), t(4))]);
    await at(5);
    am.ingest([firing({ alertname: 'A', i: '1' }, t(5.5))]);
    await at(7);
    expect(inv.calls.map((c) => c.input.alerts.map((a) => a.labels['i']))).toEqual([['1'], ['2'], ['1']]);
    const follow = rec.sent.filter((n) => n.reason === 'investigation follow-up');
    expect(follow.map((n) => n.alerts.map((a) => `${a.labels['i']}:${a.annotations['note']}`))).toEqual([
      ['1:one'],
      ['2:two'],
    ]);
    // the re-fired alert no longer carries what was found about its last episode
    expect(am.alerts().find((a) => a.labels['i'] === '1')!.annotations).toEqual({});
  });

  it('the model down: no follow-up, one warning, every miss counted', async () => {
    const { am, rec, inv, log, at } = await setup();
    for (const [k, s] of [
      ['A', 0],
      ['B', 0.2],
      ['C', 0.4],
    ] as const)
      am.ingest([firing({ alertname: k }, t(s))]);
    await at(2);
    expect(inv.calls).toHaveLength(3);
    for (const c of inv.calls) c.answer(undefined);
    await at(3);
    expect(rec.sent.map((n) => n.reason)).toEqual(Array(3).fill('first notification'));
    expect(am.investigations()).toMatchObject({ started: 3, followUps: 0, unanswered: 3 });
    expect(log.warned).toHaveLength(1);
  });

  it('an investigator that throws or outlives timeoutMs is counted as unanswered and aborted', async () => {
    const clock = fakeClock({ now: T0 });
    const rec = recorder();
    let signal: AbortSignal | undefined;
    let calls = 0;
    const am = createAlertManager({
      config: {
        route: { receiver: 'hook', groupBy: ['alertname'], groupWaitMs: S },
        receivers: [{ name: 'hook', notifiers: [rec] }],
      },
      clock,
      flap: false,
      investigation: {
        timeoutMs: 5 * S,
        investigate: (_i, ctx) => {
          calls++;
          if (calls === 1) throw new Error('boom');
          signal = ctx.signal;
          return new Promise(() => {}); // never answers, never looks at the signal
        },
      },
    });
    await am.start();
    am.ingest([firing({ alertname: 'A' }, T0), firing({ alertname: 'B' }, T0)]);
    await clock.advanceAsync(1.5 * S);
    expect(signal?.aborted).toBe(false);
    await clock.advanceAsync(5 * S);
    expect(signal?.aborted).toBe(true);
    expect(am.investigations()).toMatchObject({ started: 2, unanswered: 2, inFlight: 0, followUps: 0 });
    expect(rec.sent.map((n) => n.reason)).toEqual(['first notification', 'first notification']);
    await am.stop();
  });

  it('the alert resolves before the answer comes: the answer is dropped, no follow-up (counted stale)', async () => {
    const { am, rec, inv, at } = await setup();
    am.ingest([firing({ alertname: 'A' }, t(0))]);
    await at(1);
    am.ingest([resolved({ alertname: 'A' }, t(0), t(2))]);
    await at(3);
    inv.calls[0]!.answer({ note: 'late' });
    await at(20);
    expect(rec.sent.map(brief)).toEqual(['hook first notification [A:f]', 'hook all alerts resolved [A:r]']);
    expect(am.investigations()).toMatchObject({ started: 1, followUps: 0, stale: 1 });
  });

  it('at most maxInFlight investigations run; more groups are skipped and counted; stop aborts the rest', async () => {
    const { am, inv, at } = await setup({ maxInFlight: 1 });
    am.ingest([firing({ alertname: 'A' }, t(0)), firing({ alertname: 'B' }, t(0))]);
    await at(1);
    expect(inv.calls).toHaveLength(1);
    expect(am.investigations()).toMatchObject({ started: 1, skipped: 1, inFlight: 1 });
    await am.stop();
    expect(inv.calls[0]!.signal.aborted).toBe(true);
  });

  it('after a restart, an alert already investigated is not investigated or followed up again', async () => {
    const store = memoryStateStore();
    const clock = fakeClock({ now: T0 });
    const rec = recorder();
    const inv = scripted();
    const config: AlertManagerConfig = {
      route: { receiver: 'hook', groupBy: ['alertname'], groupWaitMs: S, groupIntervalMs: 2 * S },
      receivers: [{ name: 'hook', notifiers: [rec] }],
    };
    const make = () => createAlertManager({ config, clock, flap: false, state: store, investigation: inv });
    const am = make();
    await am.start();
    am.ingest([firing({ alertname: 'A' }, T0)]);
    await clock.advanceAsync(1.5 * S);
    inv.calls[0]!.answer({ note: 'found' });
    await clock.advanceAsync(0.5 * S);
    await am.stop();
    const again = make();
    await again.start();
    // the alerter re-sends its firing alert after the restart, and a new one joins the group
    again.ingest([firing({ alertname: 'A' }, T0), firing({ alertname: 'A', i: '2' }, T0 + 3 * S)]);
    await clock.advanceAsync(4 * S);
    expect(inv.calls.map((c) => c.input.alerts.map((a) => a.labels['i'] ?? 'first'))).toEqual([
      ['first'],
      ['2'],
    ]);
    expect(rec.sent.map((n) => n.reason)).toEqual([
      'first notification',
      'investigation follow-up',
      'new alerts added',
    ]);
    await again.stop();
  });
});
