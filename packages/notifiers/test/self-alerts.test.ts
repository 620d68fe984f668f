import { createAlertManager, type Notification, type Notifier, type NotifyResult } from '@argus/alerting';
import { fingerprint } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { deliveryFailureAlerts, startWatchdog } from '../src/index.js';

const S = 1000;

/** A notifier that records what it delivers and answers from a script (default: success). */
function recorder(name: string): Notifier & { sent: Notification[]; script: NotifyResult[] } {
  const r = {
    kind: 'notifier' as const,
    name,
    sent: [] as Notification[],
    script: [] as NotifyResult[],
    async send(n: Notification): Promise<NotifyResult> {
      const res = r.script.shift() ?? { ok: true };
      if (res.ok) r.sent.push(n);
      return res;
    },
  };
  return r;
}

const boom = (retryable: boolean): NotifyResult => ({
  ok: false,
  retryable,
  error: new Error('HTTP 401 from https://x/…'),
});

describe('startWatchdog', () => {
  it('fires a Watchdog that the manager routes and repeats every repeat_interval', async () => {
    const clock = fakeClock({ now: 0 });
    const dms = recorder('deadmansswitch');
    const am = createAlertManager({
      clock,
      config: {
        route: { receiver: 'dms', groupWaitMs: 0, groupIntervalMs: 10 * S, repeatIntervalMs: 60 * S },
        receivers: [{ name: 'dms', notifiers: [dms] }],
      },
    });
    await am.start();
    const alert = startWatchdog(am, { startsAt: 0 });
    expect(alert.fingerprint).toBe(fingerprint({ alertname: 'Watchdog', severity: 'none' }));
    await clock.advanceAsync(181 * S);
    expect(dms.sent.length).toBeGreaterThanOrEqual(3);
    expect(
      dms.sent.every((n) => n.status === 'firing' && n.alerts[0]!.labels['alertname'] === 'Watchdog'),
    ).toBe(true);
    await am.stop();
  });
});

describe('deliveryFailureAlerts', () => {
  it('raises a meta-alert routed like any alert when a receiver dead-letters, and resolves it once it delivers again', async () => {
    const clock = fakeClock({ now: 0 });
    const pager = recorder('pager');
    const ops = recorder('ops-chat');
    const am = createAlertManager({
      clock,
      delivery: { maxAttempts: 2, initialBackoffMs: S },
      config: {
        route: {
          receiver: 'pager',
          groupWaitMs: 0,
          groupIntervalMs: 5 * S,
          repeatIntervalMs: 3600 * S,
          groupBy: ['alertname'],
          routes: [{ matchers: ['alertname="ArgusNotificationsFailing"'], receiver: 'ops' }],
        },
        receivers: [
          { name: 'pager', notifiers: [pager] },
          { name: 'ops', notifiers: [ops] },
        ],
      },
    });
    await am.start();
    const meta = deliveryFailureAlerts(am, { now: () => clock.now() });
    pager.script.push(boom(false));
    am.ingest([
      {
        labels: { alertname: 'DiskFull' },
        annotations: {},
        state: 'firing',
        startsAt: 0,
        fingerprint: fingerprint({ alertname: 'DiskFull' }),
        origin: 't',
      },
    ]);
    await clock.advanceAsync(10 * S);
    expect(am.deadLetters()).toHaveLength(1);
    expect(meta.firing().map((a) => a.labels)).toEqual([
      {
        severity: 'warning',
        alertname: 'ArgusNotificationsFailing',
        receiver: 'pager',
        integration: 'pager',
      },
    ]);
    const raised = ops.sent.find((n) => n.status === 'firing')!;
    expect(raised.alerts[0]!.annotations['description']).toMatch(/dead-lettered after 1 attempt\(s\)/);
    // the pager works again: the next notification to it is delivered and the meta-alert resolves
    am.ingest([
      {
        labels: { alertname: 'CPU' },
        annotations: {},
        state: 'firing',
        startsAt: 10 * S,
        fingerprint: fingerprint({ alertname: 'CPU' }),
        origin: 't',
      },
    ]);
    await clock.advanceAsync(20 * S);
    expect(pager.sent.length).toBeGreaterThan(0);
    expect(meta.firing()).toEqual([]);
    expect(ops.sent.at(-1)!.status).toBe('resolved');
    meta.stop();
    await am.stop();
  });

  it('a failing delivery of the meta-alert itself raises no meta-alert about its own receiver', async () => {
    const clock = fakeClock({ now: 0 });
    const pager = recorder('pager');
    const ops = recorder('ops-chat');
    pager.script.push(boom(false));
    ops.script.push(boom(false), boom(false));
    const am = createAlertManager({
      clock,
      config: {
        route: {
          receiver: 'pager',
          groupWaitMs: 0,
          groupBy: ['alertname'],
          routes: [{ matchers: ['alertname="ArgusNotificationsFailing"'], receiver: 'ops' }],
        },
        receivers: [
          { name: 'pager', notifiers: [pager] },
          { name: 'ops', notifiers: [ops] },
        ],
      },
    });
    await am.start();
    const meta = deliveryFailureAlerts(am);
    am.ingest([
      {
        labels: { alertname: 'X' },
        annotations: {},
        state: 'firing',
        startsAt: 0,
        fingerprint: fingerprint({ alertname: 'X' }),
        origin: 't',
      },
    ]);
    await clock.advanceAsync(30 * S);
    expect(am.deadLetters().map((d) => d.receiver)).toEqual(['pager', 'ops']);
    expect(meta.firing().map((a) => a.labels['receiver'])).toEqual(['pager']);
    meta.stop();
    await am.stop();
  });
});
