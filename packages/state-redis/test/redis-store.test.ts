import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertManager, type Notification, type Notifier } from '@argus/alerting';
import type { Alert, Labels, Logger } from '@argus/core';
import { fingerprint } from '@argus/core';
import {
  describeWithBinary,
  fakeClock,
  type RunningServer,
  startRedis,
  testStateStore,
} from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisStateStore, redisStateStore } from '../src/index.js';

const S = 1000;
let redis: RunningServer | undefined;
const url = (): string => `redis://127.0.0.1:${redis!.port}`;
let n = 0;
let lastPrefix = '';
// every case gets an empty store: its own key prefix in the one server
const fresh = (): RedisStateStore => {
  lastPrefix = `contract${++n}:`;
  return redisStateStore({ url: url(), keyPrefix: lastPrefix });
};

const firing = (labels: Labels, startsAt: number): Alert => ({
  labels,
  annotations: {},
  state: 'firing',
  startsAt,
  fingerprint: fingerprint(labels),
  origin: 'test',
});

function recorder(): Notifier & { sent: Notification[] } {
  const r = {
    kind: 'notifier' as const,
    name: 'recorder',
    type: 'recorder',
    sendResolved: true,
    maxAlerts: 0,
    sent: [] as Notification[],
    async send(x: Notification) {
      r.sent.push(x);
      return { ok: true as const };
    },
  };
  return r;
}

const amConfig = (r: Notifier) => ({
  route: {
    receiver: 'r',
    groupBy: ['alertname'],
    groupWaitMs: S,
    groupIntervalMs: 2 * S,
    repeatIntervalMs: 3600 * S,
  },
  receivers: [{ name: 'r', notifiers: [r] }],
});

describeWithBinary([{ bin: 'redis-server', pkg: 'redis-server' }], 'redisStateStore on a real Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  testStateStore(fresh, {
    title: 'redisStateStore',
    reopen: () => redisStateStore({ url: url(), keyPrefix: lastPrefix }),
  });

  it('an alert manager restarted on the same Redis keeps its firing alerts and does not notify them again', async () => {
    const clock = fakeClock({ now: 0 });
    const keyPrefix = 'am-restart:';
    const s1 = redisStateStore({ url: url(), keyPrefix });
    const r1 = recorder();
    const am1 = createAlertManager({ clock, state: s1, config: amConfig(r1) });
    await am1.start();
    am1.ingest([firing({ alertname: 'A', i: '1' }, 0), firing({ alertname: 'A', i: '2' }, 0)]);
    await clock.advanceAsync(S);
    await am1.flushed();
    expect(r1.sent).toHaveLength(1);
    // the replacement replica: a new process, a new connection, the same keys; the old one is simply gone
    await s1.close();
    const s2 = redisStateStore({ url: url(), keyPrefix });
    const r2 = recorder();
    const am2 = createAlertManager({ clock, state: s2, config: amConfig(r2) });
    await am2.start();
    expect(
      am2
        .alerts()
        .map((a) => a.labels['i'])
        .sort(),
    ).toEqual(['1', '2']);
    await clock.advanceAsync(600 * S);
    expect(r2.sent, 'already notified within repeat_interval').toEqual([]);
    await am2.stop();
    await s2.close();
  });

  it('the two members of an HA pair keep separate keys: neither reads the other’s state', async () => {
    const a = redisStateStore({ url: url(), keyPrefix: 'shard-0:a:' });
    const b = redisStateStore({ url: url(), keyPrefix: 'shard-0:b:' });
    await a.put('alertmanager/state', { from: 'a' });
    await b.put('alertmanager/state', { from: 'b' });
    expect(await a.get('alertmanager/state')).toEqual({ from: 'a' });
    expect(await b.list()).toEqual(['alertmanager/state']);
    await Promise.all([a.close(), b.close()]);
  });
});

describeWithBinary(
  [{ bin: 'redis-server', pkg: 'redis-server' }],
  'redisStateStore while Redis restarts',
  () => {
    it('writes made while Redis is down wait, land once it is back, and nothing written before is lost', async () => {
      // our own directory, kept across the restart: it holds Redis's append-only file
      const dir = mkdtempSync(join(tmpdir(), 'argus-redis-'));
      const first = await startRedis({ dataDir: dir });
      const s = redisStateStore({
        url: `redis://127.0.0.1:${first.port}`,
        keyPrefix: 'r:',
        commandTimeoutMs: 30_000,
      });
      let second: RunningServer | undefined;
      try {
        for (let i = 0; i < 20; i++) await s.put(`before/${i}`, i);
        await first.stop();
        const during = Promise.all(Array.from({ length: 20 }, (_, i) => s.put(`during/${i}`, i)));
        second = await startRedis({ port: first.port, dataDir: dir });
        await during;
        expect(await s.list('before/')).toHaveLength(20);
        expect(await s.list('during/')).toHaveLength(20);
        expect(await s.get('during/19')).toBe(19);
        expect(await s.list(), 'nothing duplicated or invented').toHaveLength(40);
      } finally {
        await s.close();
        await second?.stop();
        await first.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);

describe('redisStateStore errors and secrets', () => {
  it('refuses bad options naming the field', () => {
    expect(() => redisStateStore({ url: 'http://127.0.0.1:6379' })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining('url') }),
    );
    expect(() => redisStateStore({ password: 'x', passwordFile: '/nope' })).toThrow(
      /password or passwordFile/,
    );
  });

  it('an unreachable Redis is a coded error naming where, without the password', async () => {
    const s = redisStateStore({
      url: 'redis://user:S3CRET-PASSWORD@127.0.0.1:1',
      connectTimeoutMs: 2_000,
      commandTimeoutMs: 2_000,
    });
    const err = await s.put('k', 1).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe('ERR_STATE_STORE');
    expect(err?.message).toContain('redis://127.0.0.1:1');
    expect(err?.message).not.toContain('S3CRET-PASSWORD');
    expect(s.location).not.toContain('S3CRET-PASSWORD');
    await s.close();
  });
});

describeWithBinary(
  [{ bin: 'redis-server', pkg: 'redis-server' }],
  'redisStateStore persistence check',
  () => {
    it('warns when the Redis server keeps no append-only file', async () => {
      const server = await startRedis({ appendonly: false });
      const warnings: string[] = [];
      const log: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
      const s = redisStateStore({ url: `redis://127.0.0.1:${server.port}`, log });
      try {
        await s.ready();
        expect(warnings.join('\n')).toMatch(/appendonly no/);
      } finally {
        await s.close();
        await server.stop();
      }
    });
  },
);
