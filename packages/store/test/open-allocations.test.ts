// What opening a store and reading its heads reuse instead of allocating: one bit reader refilled stream after
// stream, chunks' time bounds read without decoding them, a spare head page instead of a new page per class move.
// Each reuse must leave the answers as they were.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BitReader, BitWriter } from '../src/chunk/bits.js';
import { chunkTimeBounds, decodeChunk, encodeChunk } from '../src/chunk/chunk.js';
import { createStore, type Store } from '../src/index.js';
import { Heads } from '../src/internal/heads.js';
import { patterns, randomValue, rng } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a bit reader reused across streams', () => {
  it('reads each stream as a fresh reader does, zeros past its end included', () => {
    const r = rng(21);
    const reused = new BitReader(new Uint8Array(0));
    // long and short streams in turn: a short one loaded after a long one must not see the long one's words
    for (let k = 0; k < 200; k++) {
      const w = new BitWriter(1);
      const bits = k % 2 === 0 ? 2000 + Math.floor(r() * 3000) : Math.floor(r() * 70);
      for (let b = 0; b < bits; b += 16) w.write(Math.floor(r() * 65536), 16);
      const bytes = w.toBytes();
      const offset = Math.floor(r() * Math.min(3, bytes.length));
      const fresh = new BitReader(bytes, offset);
      reused.load(bytes, offset);
      for (let i = 0; i < (bytes.length - offset) * 8 + 200; i += 7)
        expect(reused.read(7)).toBe(fresh.read(7));
    }
  });

  it('gives a chunk time bounds equal to its decoded first and last timestamps', () => {
    const r = rng(5);
    const out = { minT: 0, maxT: 0 };
    for (let k = 0; k < 300; k++) {
      const n = 1 + Math.floor(r() * 200);
      const t = new Float64Array(n);
      const v = new Float64Array(n);
      let now = Math.floor(r() * 2 ** 41) - 2 ** 40;
      for (let i = 0; i < n; i++) {
        now += r() < 0.7 ? 15_000 : Math.floor(r() * 2 ** (1 + Math.floor(r() * 40)));
        t[i] = now;
        v[i] = randomValue(r);
      }
      const bytes = encodeChunk(t, v, undefined, 0, n);
      chunkTimeBounds(bytes, out);
      const d = decodeChunk(bytes);
      expect([out.minT, out.maxT]).toEqual([d.t[0], d.t[n - 1]]);
    }
  });
});

describe('heads filled one series at a time', () => {
  it('take a spare page at each move to a larger slot instead of a new one', () => {
    const Native = globalThis.Uint32Array;
    let pages = 0;
    globalThis.Uint32Array = new Proxy(Native, {
      construct(target, args) {
        if (typeof args[0] === 'number' && args[0] >= 16_384) pages++;
        return Reflect.construct(target, args);
      },
    });
    try {
      const heads = new Heads();
      const r = rng(8);
      // as a store loads its snapshot: each series' head filled to the end before the next series starts
      for (let id = 0; id < 300; id++) {
        heads.init(id);
        for (let i = 0; i < 120; i++) heads.append(id, i * 1000, randomValue(r));
      }
    } finally {
      globalThis.Uint32Array = Native;
    }
    // a page per size class the heads went through (about ten), not one per series and class
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThan(30);
  });
});

function fill(store: Store, seed: number, series: number): void {
  const r = rng(seed);
  for (let s = 0; s < series; s++) {
    // heads of every length, some sealed chunks, some stale markers
    const n = Math.floor(r() * 150);
    for (let i = 0; i < n; i++)
      store.append({ __name__: 'm', s: String(s) }, i * 15_000, randomValue(r), r() < 0.01);
  }
}

/** Every series' samples as `readInto` gives them, read in an order that alternates between far-apart series. */
async function readAll(store: Store, from: number, to: number): Promise<string[]> {
  const refs = [...(await store.selectRefs([{ name: '__name__', op: '=', value: 'm' }]))];
  refs.sort(
    (a, b) => (Number(a.labels.s) % 2) - (Number(b.labels.s) % 2) || Number(b.labels.s) - Number(a.labels.s),
  );
  const out: string[] = [];
  for (const ref of refs) {
    const n = store.sampleBound(ref, from, to);
    const cols = { t: new Float64Array(n + 3), v: new Float64Array(n + 3), s: new Uint8Array(n + 3) };
    const k = store.readInto(ref, from, to, cols, 3);
    const t = Array.from(cols.t.subarray(3, 3 + k));
    out.push(
      `${ref.labels.s} ${t.join()} ${patterns(cols.v.subarray(3, 3 + k)).join()} ${cols.s.subarray(3, 3 + k).join()}`,
    );
  }
  return out.sort();
}

describe('a store reopened from its data directory', () => {
  it('answers as it did before it closed', async () => {
    for (const seed of [1, 2]) {
      const dir = mkdtempSync(join(tmpdir(), 'argus-store-open-'));
      dirs.push(dir);
      const a = createStore({ dataDir: dir, chunkSamples: 40 });
      await a.open();
      fill(a, seed, 400);
      const before = [await readAll(a, -1, 1e12), await readAll(a, 600_000, 1_200_000)];
      await a.close();
      const b = createStore({ dataDir: dir, chunkSamples: 40 });
      await b.open();
      expect(b.recoveryIssues()).toEqual([]);
      expect([await readAll(b, -1, 1e12), await readAll(b, 600_000, 1_200_000)]).toEqual(before);
      await b.close();
    }
  });
});

describe('opening a data directory', () => {
  it('gives the event loop turns while it loads, and loads everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-store-open-'));
    dirs.push(dir);
    const a = createStore({ dataDir: dir });
    await a.open();
    // 400,000 samples: loading them takes far more than one 2 ms slice on any machine this runs on
    for (let s = 0; s < 2000; s++)
      for (let i = 0; i < 200; i++) a.append({ __name__: 'm', s: String(s) }, i * 15_000, i);
    await a.close();
    let turns = 0;
    let loading = true;
    const tick = (): void => {
      if (!loading) return;
      turns++;
      setImmediate(tick);
    };
    const b = createStore({ dataDir: dir });
    setImmediate(tick);
    await b.open();
    loading = false;
    expect(turns).toBeGreaterThan(1);
    expect(b.stats().samples).toBe(400_000);
    expect(b.samples({ __name__: 'm', s: '1999' }, 0, 1e12).values[199]).toBe(199);
    await b.close();
  });
});
