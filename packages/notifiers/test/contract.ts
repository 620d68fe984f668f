import type { Notification, Notifier } from '@argus/alerting';
import { expect, it } from 'vitest';
import { type LocalReceiver, localReceiver } from './server.js';

/** A two-alert notification, one firing and one resolved. */
export const sample = (status: 'firing' | 'resolved' = 'firing'): Notification => ({
  receiver: 'team',
  groupKey: '{}/{team="db"}:{alertname="DBDown"}',
  groupLabels: { alertname: 'DBDown' },
  status,
  alerts: [
    {
      status,
      labels: { alertname: 'DBDown', instance: 'db1', severity: 'critical' },
      annotations: { summary: 'db1 is down' },
      startsAt: Date.UTC(2026, 10, 27, 19, 55),
      fingerprint: '1111111111111111',
      ...(status === 'resolved' ? { endsAt: Date.UTC(2026, 10, 27, 20) } : {}),
    },
    {
      status,
      labels: { alertname: 'DBDown', instance: 'db2', severity: 'critical' },
      annotations: { summary: 'db2 is down' },
      startsAt: Date.UTC(2026, 10, 27, 19, 56),
      fingerprint: '2222222222222222',
      ...(status === 'resolved' ? { endsAt: Date.UTC(2026, 10, 27, 20) } : {}),
    },
  ],
  commonLabels: { alertname: 'DBDown', severity: 'critical' },
  commonAnnotations: {},
  externalURL: 'http://argus',
  truncatedAlerts: 0,
  reason: 'first notification',
  at: 0,
});

const ctx = () => ({ signal: new AbortController().signal });

/**
 * The notifier contract, against a local receiver following the documented contract: success on the receiver's
 * success status, 429 retried after its Retry-After, 5xx retried, other 4xx not, network errors retried, an
 * aborted send settles, and no error ever carries the secret part of the URL.
 */
export function notifierContract(make: (url: string) => Notifier, success: [number, string]): void {
  const secretPath = '/services/T000/B000/SECRETSECRET?sig=SIGSECRET';
  const withServer = async (f: (r: LocalReceiver, n: Notifier) => Promise<void>): Promise<void> => {
    const r = await localReceiver([success[0], {}, success[1]]);
    try {
      await f(r, make(r.url + secretPath));
    } finally {
      await r.close();
    }
  };
  const noSecret = (e: Error) => expect(e.message).not.toMatch(/SECRET|T000|B000/);

  it('contract: succeeds on the documented success answer and POSTs JSON', () =>
    withServer(async (r, n) => {
      expect(await n.send(sample(), ctx())).toEqual(expect.objectContaining({ ok: true }));
      expect(r.got[0]!.headers['content-type']).toBe('application/json');
    }));

  it('contract: 429 is retryable after Retry-After; 5xx retryable; 4xx not; no secret in errors', () =>
    withServer(async (r, n) => {
      r.answers.push(
        [429, { 'retry-after': '3' }, 'rate_limited'],
        [500, {}, 'rollup_error'],
        [400, {}, 'invalid_payload'],
      );
      const a = await n.send(sample(), ctx());
      const b = await n.send(sample(), ctx());
      const c = await n.send(sample(), ctx());
      expect(a).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3000 });
      expect(b).toMatchObject({ ok: false, retryable: true });
      expect(c).toMatchObject({ ok: false, retryable: false });
      for (const x of [a, b, c]) if (!x.ok) noSecret(x.error);
    }));

  it('contract: a refused connection is a retryable failure without the secret, never a throw', async () => {
    const r = await localReceiver();
    const url = r.url;
    await r.close();
    const res = await make(url + secretPath).send(sample(), ctx());
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.retryable).toBe(true);
      noSecret(res.error);
    }
  });

  it('contract: an aborted send settles as a failure', () =>
    withServer(async (_r, n) => {
      const ctl = new AbortController();
      ctl.abort();
      const res = await n.send(sample(), { signal: ctl.signal });
      expect(res.ok).toBe(false);
    }));
}
