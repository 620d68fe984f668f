import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStateStore, memoryStateStore, type StateStore, scopedStateStore } from '../src/index.js';
import {
  assembleSnapshot,
  encodeSnapshot,
  putSnapshot,
  type SnapshotParts,
} from '../src/state/snapshot-encode.js';

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

class Point {
  constructor(
    readonly x: number,
    readonly hidden?: () => void,
  ) {}
}

/** A random JSON-ish value with big collections, and the members JSON.stringify treats specially. */
function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 9 : 12));
  const leaves: (() => unknown)[] = [
    () => r() * 1e6 - 5e5,
    () => Math.floor(r() * 100),
    () => `s${Math.floor(r() * 1e4)}"\\\u2028é`,
    () => null,
    () => undefined,
    () => r() < 0.5,
    () => Number.NaN,
    () => new Date(Math.floor(r() * 1e12)),
    () => new Point(r(), () => {}),
  ];
  if (pick < leaves.length) return (leaves[pick] as () => unknown)();
  // big collections near the top only, or the value grows past any test's time
  const n = depth < 2 && r() < 0.3 ? 256 + Math.floor(r() * 600) : Math.floor(r() * 6);
  if (pick === 9) return Array.from({ length: n }, () => randomValue(r, depth + 1));
  if (pick === 10) return new Map([['a', 1]]);
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    o[r() < 0.1 ? String(i) : `k${i}:${Math.floor(r() * 1e3)}`] = randomValue(r, depth + 1);
  return o;
}

const counting = (): { pause: () => Promise<void>; pauses: () => number } => {
  let n = 0;
  return {
    pause: () => {
      n++;
      return new Promise((resolve) => setImmediate(resolve));
    },
    pauses: () => n,
  };
};

function partsOf(n: number, head: Record<string, unknown> = { version: 1 }): SnapshotParts {
  function* entries(): Generator<[string, unknown]> {
    for (let i = 0; i < n; i++) yield [`fp${i}`, { labels: { job: `j${i % 7}` }, state: [i, i / 3, -i - 1] }];
  }
  return { head, field: 'series', entries: entries() };
}

describe('encodeSnapshot', () => {
  it('gives the text JSON.stringify gives, for 60 random values with big collections', async () => {
    const r = uniform(13);
    const { pause, pauses } = counting();
    for (let i = 0; i < 60; i++) {
      const value = { version: 1, series: randomValue(r, 0), extra: randomValue(r, 1) };
      expect((await encodeSnapshot(value, { sliceMs: 0, pause }))?.join('')).toBe(JSON.stringify(value));
    }
    expect(pauses()).toBeGreaterThan(60);
  }, 60_000);

  it('gives JSON.stringify of a top-level leaf, and undefined where JSON has no text', async () => {
    for (const v of [1, 'x', null, true, [undefined, () => 1], new Date(0), undefined, () => 1])
      expect((await encodeSnapshot(v))?.join('')).toBe(JSON.stringify(v));
  });

  it('encodes parts as their assembled value, pausing between slices of entries', async () => {
    const { pause, pauses } = counting();
    const chunks = await encodeSnapshot(partsOf(5000), { parts: true, sliceMs: 0, pause });
    expect(chunks?.length, 'one chunk per slice').toBe(pauses() + 1);
    expect(chunks?.join('')).toBe(JSON.stringify(assembleSnapshot(partsOf(5000))));
    expect(pauses()).toBeGreaterThanOrEqual(5000 / 16 - 1);
    for (const head of [{}, { version: 2, note: 'x', series: 'replaced' }])
      expect((await encodeSnapshot(partsOf(3, head), { parts: true }))?.join('')).toBe(
        JSON.stringify(assembleSnapshot(partsOf(3, head))),
      );
    expect((await encodeSnapshot(partsOf(0), { parts: true }))?.join('')).toBe('{"version":1,"series":{}}');
  });

  it('takes the entries lazily: work done during a pause shows in the entries taken after it', async () => {
    const live = [0];
    function* entries(): Generator<[string, unknown]> {
      for (let i = 0; i < live.length; i++) yield [`e${i}`, live[i]];
    }
    // each pause stands for a batch that arrives meanwhile and adds a series
    const pause = async (): Promise<void> => {
      if (live.length < 100) live.push(live.length);
    };
    for (let i = 1; i < 40; i++) live.push(i);
    const json = await encodeSnapshot(
      { head: {}, field: 's', entries: entries() },
      { parts: true, sliceMs: 0, pause },
    );
    expect(Object.keys((JSON.parse(json?.join('') as string) as { s: object }).s).length).toBeGreaterThan(40);
  });
});

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const withoutChunks = (s: StateStore): StateStore => ({
  location: s.location,
  get: (k) => s.get(k),
  put: (k, v) => s.put(k, v),
  delete: (k) => s.delete(k),
  list: (p) => s.list(p),
});
const stores: [string, () => Promise<StateStore>][] = [
  ['memory', async () => memoryStateStore()],
  ['scoped memory', async () => scopedStateStore(memoryStateStore(), 'p')],
  [
    'file',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'argus-snap-'));
      dirs.push(dir);
      return fileStateStore({ dir, fsync: false });
    },
  ],
  ['a store without putJsonChunks', async () => withoutChunks(memoryStateStore())],
];

describe.each(stores)('putSnapshot into a %s store', (_name, make) => {
  it('stores parts so that get returns the assembled value', async () => {
    const store = await make();
    await putSnapshot(store, 'det/snapshot', { parts: partsOf(2000) }, { sliceMs: 0 });
    expect(await store.get('det/snapshot')).toEqual(assembleSnapshot(partsOf(2000)));
  });

  it('stores a plain value as put would, and undefined as put does', async () => {
    const store = await make();
    const value = {
      alerts: [{ a: 1, at: new Date(5) }],
      windows: Array.from({ length: 700 }, (_, i) => [i, `${i}`]),
    };
    await putSnapshot(store, 'rule/snapshot', { value }, { sliceMs: 0 });
    expect(await store.get('rule/snapshot')).toEqual(JSON.parse(JSON.stringify(value)));
    const plain = await make();
    await plain.put('x', undefined);
    await putSnapshot(store, 'x', { value: undefined });
    expect(await store.get('x')).toEqual(await plain.get('x'));
  });
});
