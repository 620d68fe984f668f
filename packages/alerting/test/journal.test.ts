import { fingerprint, memoryStateStore, type StateStore } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { createAlertManager } from '../src/index.js';
import { Journal } from '../src/manager/journal.js';
import { Persist } from '../src/manager/persist.js';
import { firing } from './am-helpers.js';

const DELETE = Symbol('delete');

/** A memory store that counts writes and can be told to fail or to stop before a key (a crash). */
function countingStore(): StateStore & {
  puts: string[];
  failNext: number;
  crashBefore?: (key: string) => boolean;
} {
  const inner = memoryStateStore();
  const s = {
    location: 'memory',
    puts: [] as string[],
    failNext: 0,
    crashBefore: undefined as ((key: string) => boolean) | undefined,
    get: inner.get.bind(inner),
    list: inner.list.bind(inner),
    delete: inner.delete.bind(inner),
    async put(key: string, value: unknown) {
      if (s.failNext > 0) {
        s.failNext--;
        throw new Error('disk full');
      }
      if (s.crashBefore?.(key)) throw new Error('crashed');
      s.puts.push(key);
      await inner.put(key, value);
    },
  };
  return s;
}

const changes = (entries: [string, unknown][]) => new Map<string, unknown>(entries);

describe('journal', () => {
  it('writes a flush of thousands of changes as one record, and reads the state back', async () => {
    const store = countingStore();
    const { journal } = await Journal.open(store);
    await journal.write(changes(Array.from({ length: 900 }, (_, i) => [`am/alert/${i}`, { i }])), DELETE);
    await journal.write(
      changes([
        ['am/alert/3', DELETE],
        ['am/alert/4', () => ({ i: 44 })],
      ]),
      DELETE,
    );
    // the format marker once at the first open, then one record per flush
    expect(store.puts).toEqual(['am/format', 'am/journal/0000000000', 'am/journal/0000000001']);
    const { state } = await Journal.open(store);
    expect(state.size).toBe(899);
    expect(state.get('am/alert/4')).toEqual({ i: 44 });
    expect(state.has('am/alert/3')).toBe(false);
  });

  it('snapshots once the journal holds as many changes as there are keys, and deletes what it covers', async () => {
    const store = countingStore();
    const { journal } = await Journal.open(store);
    for (let round = 0; round < 4; round++)
      await journal.write(
        changes(Array.from({ length: 400 }, (_, i) => [`am/alert/${i}`, { round }])),
        DELETE,
      );
    // 1,600 changes over 400 keys: a snapshot after the third record (1,200 ≥ 1,000)
    const keys = await store.list('am/');
    expect(keys).toEqual([
      'am/format',
      'am/journal/0000000003',
      'am/snap/0000000001/manifest',
      'am/snap/0000000001/part-0',
    ]);
    const { state } = await Journal.open(store);
    expect(state.size).toBe(400);
    expect(state.get('am/alert/7')).toEqual({ round: 3 });
  });

  it('ignores a snapshot whose manifest was never written (a crash mid-way) and deletes it later', async () => {
    const store = countingStore();
    const { journal } = await Journal.open(store);
    await journal.write(changes([['am/alert/a', { v: 1 }]]), DELETE);
    store.crashBefore = (k) => k.endsWith('/manifest');
    await expect(
      journal.write(changes(Array.from({ length: 1_000 }, (_, i) => [`am/alert/${i}`, { v: 2 }])), DELETE),
    ).rejects.toThrow('crashed');
    expect(await store.list('am/snap/')).toEqual(['am/snap/0000000001/part-0']);
    store.crashBefore = undefined;
    const reopened = await Journal.open(store);
    expect(reopened.state.size).toBe(1_001);
    expect(reopened.state.get('am/alert/a')).toEqual({ v: 1 });
    // the next snapshot goes past the broken generation and removes it
    await reopened.journal.write(changes([['am/alert/b', { v: 3 }]]), DELETE);
    expect((await store.list('am/snap/')).every((k) => k.startsWith('am/snap/0000000002/'))).toBe(true);
    expect((await Journal.open(store)).state.size).toBe(1_002);
  });

  it('reads the one-key-per-item layout of earlier versions and compacts it away at the first write', async () => {
    const store = countingStore();
    await store.put('am/alert/x', { fingerprint: 'x' });
    await store.put('am/silence/s1', { id: 's1' });
    const { journal, state } = await Journal.open(store);
    expect([...state.keys()].sort()).toEqual(['am/alert/x', 'am/silence/s1']);
    await journal.write(changes([['am/alert/y', { fingerprint: 'y' }]]), DELETE);
    expect(
      (await store.list('am/')).some((k) => k.startsWith('am/alert/') || k.startsWith('am/silence/')),
    ).toBe(false);
    expect([...(await Journal.open(store)).state.keys()].sort()).toEqual([
      'am/alert/x',
      'am/alert/y',
      'am/silence/s1',
    ]);
  });

  it('keeps a batch whose write failed and writes it with the next change', async () => {
    const store = countingStore();
    const errors: string[] = [];
    const persist = new Persist((await Journal.open(store)).journal, (e) => errors.push(e.message));
    store.failNext = 1;
    persist.put('am/alert/a', { v: 1 });
    await persist.flushed();
    expect(errors).toEqual(['disk full']);
    persist.put('am/alert/b', { v: 2 });
    await persist.flushed();
    expect([...(await Journal.open(store)).state.keys()].sort()).toEqual(['am/alert/a', 'am/alert/b']);
  });

  it('writes the puts of one synchronous run as one record, and flushed() right after them waits for it', async () => {
    const store = countingStore();
    const persist = new Persist((await Journal.open(store)).journal, () => {});
    const before = store.puts.length;
    persist.put('am/alert/a', { v: 1 });
    persist.put('am/alert/b', () => ({ v: 2 }));
    persist.put('am/history/0000000000', { n: 3 });
    await persist.flushed();
    expect(store.puts.slice(before)).toEqual(['am/journal/0000000000']);
    const { state } = await Journal.open(store);
    expect(state.get('am/alert/b')).toEqual({ v: 2 });
    expect(state.get('am/history/0000000000')).toEqual({ n: 3 });
  });
});

describe('alert manager on the journal', () => {
  it('a burst of 5,000 new alerts costs a handful of store writes, and a restart gets them all back', async () => {
    const store = countingStore();
    const clock = fakeClock({ now: 1_000_000 });
    const config = { route: { receiver: 'r', groupBy: ['alertname'] }, receivers: [{ name: 'r' }] };
    const am = createAlertManager({ config, clock, state: store });
    await am.start();
    const alerts = Array.from({ length: 5_000 }, (_, i) =>
      firing({ alertname: `A${i % 7}`, i: String(i) }, 1_000_000),
    );
    am.ingest(alerts);
    await am.flushed();
    expect(store.puts.length).toBeLessThan(10);
    await am.stop();
    const again = createAlertManager({ config, clock, state: store });
    await again.start();
    expect(
      again
        .alerts()
        .map((a) => a.fingerprint)
        .sort(),
    ).toEqual(alerts.map((a) => fingerprint(a.labels)).sort());
    await again.stop();
  });
});
