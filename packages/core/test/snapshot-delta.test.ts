import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStateStore, memoryStateStore, type StateStore } from '../src/index.js';
import { type DeltaMemo, getSnapshot, putSnapshotParts } from '../src/state/snapshot-delta.js';
import { assembleSnapshot, type SnapshotParts } from '../src/state/snapshot-encode.js';

/** Seeded uniform numbers in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** State with dirty tracking as a plugin keeps it: an entry is marked clean when a save takes it. */
function trackedState() {
  const data = new Map<string, { n: number; xs: number[] }>();
  const dirty = new Set<string>();
  let head = { version: 1, epoch: 0 };
  function* take(keys: Iterable<string>, changedOnly: boolean): Generator<[string, unknown]> {
    for (const k of [...keys]) {
      dirty.delete(k);
      const v = data.get(k);
      if (v) yield [k, { n: v.n, xs: [...v.xs] }];
      else if (changedOnly) yield [k, null];
    }
  }
  return {
    data,
    set(k: string, v: { n: number; xs: number[] }) {
      data.set(k, v);
      dirty.add(k);
    },
    remove(k: string) {
      if (data.delete(k)) dirty.add(k);
    },
    bumpHead() {
      head = { ...head, epoch: head.epoch + 1 };
    },
    /** What a full save of the state now would store (marks untouched). */
    full(): unknown {
      return JSON.parse(JSON.stringify(assembleSnapshot({ head, field: 'series', entries: data })));
    },
    parts(): SnapshotParts {
      return {
        head,
        field: 'series',
        entries: take(data.keys(), false),
        changes: { count: dirty.size, total: data.size, entries: take(dirty, true) },
      };
    },
  };
}

const deltaKeys = async (store: StateStore) => (await store.list('det/snapshot~delta~')).length;

describe('snapshots of changed entries only', () => {
  it('a restore after several partial saves equals the full state (randomised; memory and file stores)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-delta-'));
    try {
      for (let seed = 1; seed <= 6; seed++) {
        // the file store lists and deletes the deltas by their names on disk
        await roundTrip(seed, seed === 6 ? fileStateStore({ dir }) : memoryStateStore());
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  async function roundTrip(seed: number, store: StateStore): Promise<void> {
    {
      const rnd = uniform(seed);
      const s = trackedState();
      for (let i = 0; i < 400; i++) s.set(`s${i}`, { n: i, xs: [i, i + 1] });
      let memo: DeltaMemo | undefined;
      let partial = 0;
      for (let round = 0; round < 12; round++) {
        // a few entries change, some appear, some go; now and then the head changes
        const changes = Math.floor(rnd() * 40);
        for (let c = 0; c < changes; c++) {
          const k = `s${Math.floor(rnd() * 500)}`;
          if (rnd() < 0.2) s.remove(k);
          else s.set(k, { n: Math.floor(rnd() * 1e6), xs: [rnd(), round] });
        }
        if (rnd() < 0.3) s.bumpHead();
        const before = memo;
        memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), memo);
        if (before && memo.base === before.base) partial++;
        expect(await getSnapshot(store, 'det/snapshot')).toEqual(s.full());
      }
      // the rounds were mostly partial saves, not full ones each time
      expect(partial).toBeGreaterThanOrEqual(6);
    }
  }

  it('a delta holds only what changed; when the deltas grow past the state, the next save is full', async () => {
    const store = memoryStateStore();
    const s = trackedState();
    for (let i = 0; i < 100; i++) s.set(`s${i}`, { n: i, xs: [] });
    let memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), undefined);
    expect(await deltaKeys(store)).toBe(0);
    s.set('s3', { n: -3, xs: [1] });
    s.remove('s4');
    memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), memo);
    const [key] = await store.list('det/snapshot~delta~');
    expect((await store.get<{ series: unknown }>(key!))?.series).toEqual({
      s3: { n: -3, xs: [1] },
      s4: null,
    });
    // 40 changed entries per save: two deltas (80 of 100), then a full save that removes the deltas
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) s.set(`s${10 + i}`, { n: round, xs: [] });
      memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), memo);
    }
    expect(memo.deltas).toBe(0);
    expect(await deltaKeys(store)).toBe(0);
    expect(await getSnapshot(store, 'det/snapshot')).toEqual(s.full());
    // most entries changed: a full save straight away
    for (let i = 0; i < 60; i++) s.set(`s${i}`, { n: 7, xs: [] });
    memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), memo);
    expect(memo.deltas).toBe(0);
  });

  it('deltas of an older full save (a crash before they were deleted) are ignored', async () => {
    const store = memoryStateStore();
    const s = trackedState();
    for (let i = 0; i < 50; i++) s.set(`s${i}`, { n: i, xs: [] });
    let memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), undefined);
    s.set('s1', { n: 100, xs: [] });
    memo = await putSnapshotParts(store, 'det/snapshot', s.parts(), memo);
    const [old] = await store.list('det/snapshot~delta~');
    const oldDelta = await store.get(old!);
    // a new run's first save is full; put the old delta back as a crash before its deletion would have left it
    s.set('s1', { n: 200, xs: [] });
    await putSnapshotParts(store, 'det/snapshot', s.parts(), undefined);
    await store.put(old!, oldDelta);
    expect(await getSnapshot(store, 'det/snapshot')).toEqual(s.full());
  });

  it('a value saved without deltas reads back as it is', async () => {
    const store = memoryStateStore();
    await store.put('det/snapshot', { version: 1, series: { a: 1 } });
    expect(await getSnapshot(store, 'det/snapshot')).toEqual({ version: 1, series: { a: 1 } });
    expect(await getSnapshot(store, 'none/snapshot')).toBeUndefined();
  });
});
