// Sealed chunks live in shared pages with their bounds in typed columns by chunk id, linked per series. These tests
// give the store random appends (in order, out of order, duplicates under both policies, stale markers, series that
// pause long enough to be dropped and come back) under retention by age or by bytes, with a restart from its data
// directory midway, and compare every answer with a plain map of the samples the store accepted. They fail when a
// page is given back while a chunk still lives in it, a freed chunk id stays linked, a fold or an eviction unlinks
// the wrong chunk, or a snapshot writes or restores a chunk's bytes short.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeChunk } from '../src/chunk/chunk.js';
import { createStore, type Store, type StoreOptions } from '../src/index.js';
import { cols } from '../src/internal/merge.js';
import { NONE, SealedChunks } from '../src/internal/sealed-chunks.js';
import { bitsOf, patterns, randomValue, rng } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SERIES = 24;
const WINDOW_MS = 20_000;
/** Out-of-order samples and duplicates come at most this far behind the newest timestamp (less than any retention). */
const LATE_MS = 15_000;
type Ref = Map<number, { v: number; s: number }>;
const labelsOf = (k: number) => ({ __name__: 'm', k: String(k) });

/**
 * The store's samples of series `k`, in time order, must be the reference's from `cut` on, all of them. Older ones
 * may be partly gone (retention drops whole chunks, and leaves out-of-order samples not yet folded), and such a
 * leftover may be a duplicate the store would have refused had the chunk it repeats still been there: before `cut`,
 * a sample need only be one that was accepted at its timestamp.
 */
function expectKept(
  store: Store,
  k: number,
  ref: Ref,
  accepted: Map<number, Set<string>>,
  cut: number,
): void {
  const got = store.samples(labelsOf(k), -1e15, 1e15);
  const ts = Array.from(got.timestamps);
  for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
  const old = ts.findIndex((t) => t >= cut);
  const split = old < 0 ? ts.length : old;
  for (let i = 0; i < split; i++) expect(accepted.get(ts[i]!)?.has(bitsOf(got.values[i]!))).toBe(true);
  const recent = [...ref.keys()].filter((t) => t >= cut).sort((a, b) => a - b);
  expect(ts.slice(split)).toEqual(recent);
  expect(patterns(got.values.subarray(split))).toEqual(recent.map((t) => bitsOf(ref.get(t)!.v)));
  expect(Array.from(got.stale.subarray(split))).toEqual(recent.map((t) => ref.get(t)!.s));
}

/** readInto over a random window writes what samples() returns for it. */
async function expectReadInto(store: Store, r: () => number, newest: number): Promise<void> {
  const refs = await store.selectRefs('{__name__="m"}');
  const from = newest - Math.floor(r() * 400_000);
  const to = from + Math.floor(r() * 300_000);
  for (const ref of refs) {
    const want = store.samples(ref.labels, from, to);
    const n = store.sampleBound(ref, from, to) + 3;
    const out = {
      t: new Float64Array(n).fill(7),
      v: new Float64Array(n).fill(7),
      s: new Uint8Array(n).fill(1),
    };
    const got = store.readInto(ref, from, to, out, 3);
    expect(Array.from(out.t.subarray(3, 3 + got))).toEqual(Array.from(want.timestamps));
    expect(patterns(out.v.subarray(3, 3 + got))).toEqual(patterns(want.values));
    expect(Array.from(out.s.subarray(3, 3 + got))).toEqual(Array.from(want.stale));
  }
}

async function run(seed: number): Promise<void> {
  const r = rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'argus-sealed-'));
  dirs.push(dir);
  const byBytes = seed % 3 === 0;
  const opts: StoreOptions = {
    dataDir: dir,
    snapshotIntervalMs: 3_600_000,
    chunkSamples: 2 + Math.floor(r() * 24),
    outOfOrderWindowMs: WINDOW_MS,
    onDuplicate: r() < 0.5 ? 'reject' : 'overwrite',
    retentionMs: 60_000 + Math.floor(r() * 240_000),
    rollups: [],
    ...(byBytes ? { maxBytes: SERIES * 400 } : {}),
  };
  let store = createStore(opts);
  await store.open({ log: () => {} });
  const refs: Ref[] = Array.from({ length: SERIES }, () => new Map());
  const accepted: Map<number, Set<string>>[] = Array.from({ length: SERIES }, () => new Map());
  const maxT = new Float64Array(SERIES).fill(Number.NEGATIVE_INFINITY);
  // a series pauses for a while now and then: long enough, sometimes, for retention to drop it whole
  const pausedUntil = new Float64Array(SERIES);
  let newest = Number.NEGATIVE_INFINITY;
  const steps = 1200;
  for (let i = 0; i < steps; i++) {
    const now = i * 1000;
    for (let k = 0; k < SERIES; k++) {
      if (now < pausedUntil[k]!) continue;
      if (r() < 0.002) pausedUntil[k] = now + r() * 600_000;
      const late = r();
      const known = [...refs[k]!.keys()].filter((t) => t >= now - LATE_MS);
      let t = now;
      if (late < 0.15) t = now - Math.floor(r() * LATE_MS);
      else if (late < 0.25 && known.length > 0) t = known[Math.floor(r() * known.length)]!;
      const old = refs[k]!.get(t);
      const v = late < 0.2 && old && r() < 0.5 ? old.v : randomValue(r);
      const s = r() < 0.01 ? 1 : 0;
      const stored = store.append(labelsOf(k), t, v, s === 1);
      if (t < maxT[k]! - WINDOW_MS) {
        expect(stored).toBe(false);
        continue;
      }
      maxT[k] = Math.max(maxT[k]!, t);
      newest = Math.max(newest, t);
      if (stored) {
        const at = accepted[k]!.get(t) ?? new Set();
        accepted[k]!.set(t, at.add(bitsOf(v)));
      }
      if (!old || opts.onDuplicate === 'overwrite') refs[k]!.set(t, { v, s });
    }
    if (i === steps / 2) {
      await store.close();
      store = createStore(opts);
      await store.open({ log: () => {} });
    }
    if (i % 150 === 149) {
      const cut = byBytes ? Number.POSITIVE_INFINITY : newest - opts.retentionMs!;
      for (let k = 0; k < SERIES; k++) expectKept(store, k, refs[k]!, accepted[k]!, cut);
      await expectReadInto(store, r, newest);
    }
  }
  const stats = store.stats();
  expect(stats.chunks).toBeGreaterThan(0);
  if (!byBytes) expect(stats.evictedChunks).toBeGreaterThan(0);
  await store.close();
}

describe('sealed chunks in shared pages', () => {
  it('answer as a plain reference under random appends, retention by age or bytes, and a restart', async () => {
    for (let seed = 1; seed <= 6; seed++) await run(seed);
  }, 60_000);

  it('keep every live chunk bit for bit while others go in any order, and give emptied pages back', () => {
    const r = rng(7);
    const chunks = new SealedChunks();
    const want = new Map<number, { sid: number; bytes: Uint8Array }>();
    const c = cols(400);
    for (let sid = 0; sid < 50; sid++) chunks.initSeries(sid);
    for (let round = 0; round < 4000; round++) {
      const sid = Math.floor(r() * 50);
      if (r() < 0.6) {
        // chunks of 1 to 400 samples: some of 8 kB, so a page also ends with room no chunk fits in
        const n = 1 + Math.floor(r() ** 3 * 400);
        const t0 = chunks.newest(sid) === NONE ? 0 : chunks.maxT[chunks.newest(sid)]! + 1;
        for (let i = 0; i < n; i++) {
          c.t[i] = t0 + i * 1000;
          c.v[i] = randomValue(r);
          c.s[i] = r() < 0.05 ? 1 : 0;
        }
        chunks.seal(sid, c, 0, n, -1);
        want.set(chunks.newest(sid), { sid, bytes: encodeChunk(c.t, c.v, c.s, 0, n, -1) });
      } else {
        const oldest = chunks.oldest(sid);
        // the oldest (retention) or the newest (a fold)
        const id = r() < 0.5 ? oldest : chunks.newest(sid);
        if (id === NONE) continue;
        chunks.remove(sid, id);
        want.delete(id);
      }
    }
    for (const [id, w] of want) expect(Array.from(chunks.bytes(id))).toEqual(Array.from(w.bytes));
    // each series' list holds exactly its chunks, oldest first, linked both ways
    for (let sid = 0; sid < 50; sid++) {
      const listed: number[] = [];
      for (let id = chunks.oldest(sid); id !== NONE; id = chunks.next[id]!) listed.push(id);
      const back: number[] = [];
      for (let id = chunks.newest(sid); id !== NONE; id = chunks.prev[id]!) back.unshift(id);
      expect(back).toEqual(listed);
      const starts = listed.map((id) => chunks.minT[id]!);
      expect(starts).toEqual([...starts].sort((x, y) => x - y));
      const mine = [...want].filter(([, w]) => w.sid === sid).map(([id]) => id);
      expect([...listed].sort((x, y) => x - y)).toEqual(mine.sort((x, y) => x - y));
    }
    for (const [id, w] of want) chunks.remove(w.sid, id);
    // the page being filled is kept
    expect(chunks.pageBytes).toBeLessThanOrEqual(65_536);
  });
});
