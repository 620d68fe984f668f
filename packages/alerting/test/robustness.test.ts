import { memoryStateStore, type PluginError, type StateStore } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertManager, evaluatedRule, type Notification, type Notifier } from '../src/index.js';
import { brief, firing, recorder } from './am-helpers.js';

const S = 1000;

/** Anything that escaped to the process (a timer's throw, an unhandled rejection) fails the test. */
const escaped: unknown[] = [];
const onEscape = (err: unknown): void => void escaped.push(err);
beforeEach(() => {
  escaped.length = 0;
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterEach(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
  expect(escaped).toEqual([]);
});

function manager(
  notifiers: Notifier[],
  extra: { onError?: (e: PluginError) => void; state?: StateStore } = {},
) {
  const clock = fakeClock({ now: 0 });
  const am = createAlertManager({
    clock,
    ...extra,
    delivery: { sendTimeoutMs: 5 * S, initialBackoffMs: S },
    random: () => 1,
    config: {
      route: { receiver: 'r', groupBy: ['alertname'], groupWaitMs: S, groupIntervalMs: 10 * S },
      receivers: [{ name: 'r', notifiers }],
    },
  });
  return { am, clock };
}

describe('callbacks that throw or hang never crash the host', () => {
  it('a throwing listener is caught, counted and reported by name; the others run and the group is rescheduled', async () => {
    const rec = recorder();
    const errors: PluginError[] = [];
    const { am, clock } = manager([rec], { onError: (e) => errors.push(e) });
    const seen: string[] = [];
    am.on('notification', function pager() {
      throw new Error('pager down');
    });
    am.on('notification', (n) => seen.push(brief(n)));
    am.on('history', () => {
      throw new Error('history sink down');
    });
    await am.start();
    am.ingest([firing({ alertname: 'A', i: '1' }, 0)]);
    await clock.advanceAsync(2 * S);
    // the group flushed again after its interval: the throw did not skip the reschedule
    am.ingest([firing({ alertname: 'A', i: '2' }, clock.now())]);
    await clock.advanceAsync(10 * S);
    expect(seen).toEqual(['r first notification [1:f]', 'r new alerts added [1:f,2:f]']);
    expect(rec.sent.map(brief)).toEqual(seen);
    expect(am.listenerErrors).toBe(errors.length);
    const pager = errors.filter((e) => /pager down/.test(e.message));
    expect(pager).toHaveLength(2);
    expect(pager[0]).toMatchObject({ code: 'ERR_PLUGIN_FAILED', plugin: 'alert-manager', hook: 'listener' });
    expect(pager[0]!.message).toMatch(/listener pager of 'notification' threw: pager down/);
    expect(errors.some((e) => /of 'history' threw: history sink down/.test(e.message))).toBe(true);
    await am.stop();
  });

  it('an onError handler that throws is itself contained', async () => {
    const { am, clock } = manager([recorder()], {
      onError: () => {
        throw new Error('handler down');
      },
    });
    am.on('notification', () => {
      throw new Error('listener down');
    });
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0)]);
    await clock.advanceAsync(2 * S);
    expect(am.listenerErrors).toBe(1);
    await am.stop();
  });

  it('off() removes a listener', async () => {
    const { am, clock } = manager([recorder()]);
    const seen: Notification[] = [];
    const fn = (n: Notification): void => void seen.push(n);
    am.on('notification', fn);
    am.off('notification', fn);
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0)]);
    await clock.advanceAsync(2 * S);
    expect(seen).toEqual([]);
    await am.stop();
  });

  it('a notifier whose send throws synchronously is retried; nothing is lost', async () => {
    const rec = recorder();
    let calls = 0;
    const flaky: Notifier = {
      kind: 'notifier',
      name: 'flaky',
      send(n, ctx) {
        if (++calls === 1) throw new Error('sync throw');
        return rec.send(n, ctx);
      },
    };
    const { am, clock } = manager([flaky]);
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0)]);
    await clock.advanceAsync(5 * S);
    expect(calls).toBe(2);
    expect(rec.sent.map(brief)).toEqual(['r first notification [A:f]']);
    await am.stop();
  });

  it('a notifier whose send never settles (and ignores its signal) is cut off at sendTimeoutMs and retried', async () => {
    const rec = recorder();
    let calls = 0;
    const stuck: Notifier = {
      kind: 'notifier',
      name: 'stuck',
      send(n, ctx) {
        if (++calls === 1) return new Promise(() => {});
        return rec.send(n, ctx);
      },
    };
    const { am, clock } = manager([stuck]);
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0)]);
    await clock.advanceAsync(4 * S);
    expect(calls).toBe(1);
    // timed out at 1 s + 5 s, retried after the 1 s backoff
    await clock.advanceAsync(4 * S);
    expect(calls).toBe(2);
    expect(rec.sent.map(brief)).toEqual(['r first notification [A:f]']);
    expect(am.deadLetters()).toEqual([]);
    await am.stop();
  });
});

describe('stop is bounded', () => {
  /** A state store whose writes never complete once `hang` is set (a disk or network store gone unresponsive). */
  function hungStore(): StateStore & { hang: boolean } {
    const inner = memoryStateStore();
    const s = {
      ...inner,
      hang: false,
      put: (k: string, v: unknown) => (s.hang ? new Promise<void>(() => {}) : inner.put(k, v)),
      delete: (k: string) => (s.hang ? new Promise<void>(() => {}) : inner.delete(k)),
    };
    return s;
  }

  it('resolves at timeoutMs while state writes hang', async () => {
    const state = hungStore();
    const { am, clock } = manager([recorder()], { state });
    await am.start();
    state.hang = true;
    am.ingest([firing({ alertname: 'A' }, 0)]);
    let done = false;
    const stopped = am.stop({ timeoutMs: 2 * S }).then(() => {
      done = true;
    });
    await clock.advanceAsync(S);
    expect(done).toBe(false);
    await clock.advanceAsync(S);
    await stopped;
    expect(done).toBe(true);
    expect(am.stop()).toBe(am.stop());
  });

  it('resolves at timeoutMs while the start hangs on its state store, and the late start leaves no timers', async () => {
    const inner = memoryStateStore();
    let answer: () => void = () => {};
    const gate = new Promise<void>((r) => {
      answer = r;
    });
    const state: StateStore = { ...inner, list: async (p) => gate.then(() => inner.list(p)) };
    const { am, clock } = manager([recorder()], { state });
    const started = am.start();
    const stopped = am.stop({ timeoutMs: S });
    await clock.advanceAsync(S);
    await stopped;
    answer();
    await started;
    expect(clock.pending()).toBe(0);
  });

  it('resolves after a start that failed', async () => {
    const state: StateStore = {
      ...memoryStateStore(),
      list: async () => Promise.reject(new Error('disk gone')),
    };
    const { am } = manager([recorder()], { state });
    await expect(am.start()).rejects.toThrow('disk gone');
    await am.stop();
  });

  it('resolves when its signal aborts', async () => {
    const state = hungStore();
    const { am } = manager([recorder()], { state });
    await am.start();
    state.hang = true;
    am.ingest([firing({ alertname: 'A' }, 0)]);
    const ctl = new AbortController();
    const stopped = am.stop({ signal: ctl.signal, timeoutMs: 3_600_000 });
    ctl.abort();
    await stopped;
  });
});

describe('evaluatedRule with an evaluator that throws or hangs', () => {
  it('keeps evaluating: a synchronous throw and a query that never settles are each one failed tick', async () => {
    const clock = fakeClock({ now: 0 });
    let calls = 0;
    const warnings: string[] = [];
    const rule = evaluatedRule({
      name: 'r',
      alert: 'Up',
      forMs: 0,
      keepFiringForMs: 0,
      labels: {},
      annotations: {},
      origin: 'test',
      expr: 'up == 0',
      intervalMs: 10 * S,
      evaluator: {
        name: 'flaky',
        query(_expr, _at, _signal) {
          calls++;
          if (calls === 1) throw new Error('sync throw');
          if (calls === 2) return new Promise(() => {});
          return Promise.resolve([{ labels: { job: 'x' }, value: 0 }]);
        },
      },
    });
    const log = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
    const ctx = { clock, log } as unknown as Parameters<NonNullable<typeof rule.start>>[0];
    await rule.start!(ctx);
    await clock.advanceAsync(10 * S); // tick 2: hangs
    await clock.advanceAsync(10 * S); // tick 3: tick 2 cut off at its deadline, tick 3 answers
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/sync throw/);
    expect(warnings[1]).toMatch(/no answer within the rule's interval/);
    const out = rule.evaluate({}, { now: clock.now() } as never);
    expect(out?.map((a) => a.state)).toEqual(['firing']);
    await rule.stop!(ctx);
  });
});
