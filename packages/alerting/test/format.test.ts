import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStateStore, fingerprint } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertManagerConfig, createAlertManager } from '../src/index.js';

// an alert manager's state written by @argus/alerting 1.0 (test/fixtures/make-am-state-v1.mjs): a journal snapshot,
// records after it, silences, acks, the notification log, a dead letter and the history
const FIXTURE = new URL('./fixtures/am-state-v1/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyOfFixture(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-am-v1-'));
  dirs.push(d);
  cpSync(FIXTURE, d, { recursive: true });
  return d;
}

const ok = { type: 'ok', send: async () => ({ ok: true as const }) };
const config: AlertManagerConfig = {
  route: {
    receiver: 'ops',
    groupBy: ['alertname'],
    groupWaitMs: 1000,
    routes: [{ matchers: ['team="db"'], receiver: 'db' }],
  },
  receivers: [
    { name: 'ops', notifiers: [ok] },
    { name: 'db', notifiers: [ok] },
  ],
};
const manager = (dir: string) =>
  createAlertManager({
    clock: fakeClock({ now: 1_700_000_010_000 }),
    state: fileStateStore({ dir, fsync: false }),
    config,
  });

describe('alert manager state format versions', () => {
  it('reads the state the 1.0 release wrote', async () => {
    const dir = copyOfFixture();
    const am = manager(dir);
    await am.start();
    const alerts = am.alerts();
    expect(alerts.filter((a) => a.labels.alertname === 'Bulk')).toHaveLength(1000);
    const a = alerts.find((x) => x.fingerprint === fingerprint({ alertname: 'HighCPU', instance: 'a' }))!;
    expect(a.ack).toMatchObject({ by: 'alice', comment: 'still looking' });
    expect(alerts.find((x) => x.labels.alertname === 'DiskFull')?.status.state).toBe('active');
    expect(am.silences()).toMatchObject([
      { matchers: ['instance="b"'], createdBy: 'ops', comment: 'maintenance' },
    ]);
    expect(am.deadLetters()).toMatchObject([
      { receiver: 'db', integration: 'broken', reason: 'not retryable: 410 gone' },
    ]);
    expect(am.history({ events: ['acked'] }).map((e) => e.reason)).toEqual([
      'alice: still looking',
      'alice: looking',
    ]);
    await am.stop();
  });

  it('refuses state of a newer format with ERR_FORMAT_VERSION naming both versions', async () => {
    const dir = copyOfFixture();
    await fileStateStore({ dir, fsync: false }).put('am/format', { version: 2 });
    const err = await manager(dir)
      .start()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_FORMAT_VERSION' });
    expect((err as Error).message).toMatch(
      /is format 2, written by a newer @argus\/alerting; this one reads formats up to 1/,
    );
  });
});
