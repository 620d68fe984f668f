import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { classWords, HeadArena } from '../src/internal/head-arena.js';
import { Heads } from '../src/internal/heads.js';
import { bitsOf, patterns, randomValue, rng } from './helpers.js';

/** A value of a kind chosen to move a head between codings: decimals of growing precision, integers, odd floats. */
function headValue(r: () => number): number {
  const k = r();
  if (k < 0.35) return Math.round(r() * 1e4) / 100;
  if (k < 0.5) return Math.round(r() * 1e6) / 10 ** Math.floor(r() * 13);
  if (k < 0.6) return Math.floor(r() * 200) - 100;
  if (k < 0.65) return 2 ** 52 + Math.floor(r() * 1e6); // beyond the decimal coding's mantissa
  return randomValue(r);
}

/** A timestamp step: mostly regular, sometimes jittered, sometimes a jump a delta-of-delta needs 64 bits for. */
function step(r: () => number): number {
  const k = r();
  if (k < 0.7) return 1000;
  if (k < 0.9) return 1 + Math.floor(r() * 5000);
  if (k < 0.97) return 1 + Math.floor(r() * 2 ** 30);
  return 1 + Math.floor(r() * 2 ** 45);
}

type Row = { t: number; v: number; s: number };

describe('heads encoded as they fill', () => {
  it('return every sample bit for bit, read at any moment, against a plain reference', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(seed);
      const chunkSamples = [2, 3, 17, 120, 400][seed % 5]!;
      const onDuplicate = seed % 2 ? 'overwrite' : 'reject';
      // retention far beyond the time jumps below: the test is about heads, not eviction
      const store = createStore({ chunkSamples, onDuplicate, retentionMs: 2 ** 50, maxBytes: 2 ** 40 });
      const series = 20;
      const ref: Row[][] = Array.from({ length: series }, () => []);
      const t = new Array<number>(series).fill(-(2 ** 40));
      for (let i = 0; i < 1200; i++) {
        const k = Math.floor(r() * series);
        const labels = { __name__: 'h', k: String(k) };
        const rows = ref[k]!;
        const last = rows[rows.length - 1];
        if (last && r() < 0.08) {
          // the newest sample again: identical, another value or another stale flag
          const v = r() < 0.3 ? last.v : headValue(r);
          const s = r() < 0.3 ? 1 - last.s : last.s;
          // (what `append` returns differs once the newest has been sealed: it is then judged at merge time)
          store.append(labels, last.t, v, s === 1);
          if (onDuplicate === 'overwrite') rows[rows.length - 1] = { t: last.t, v, s };
        } else {
          t[k]! += step(r);
          const row = { t: t[k]!, v: headValue(r), s: r() < 0.03 ? 1 : 0 };
          expect(store.append(labels, row.t, row.v, row.s === 1)).toBe(true);
          rows.push(row);
        }
        if (r() < 0.01 || i === 1199) {
          for (let j = 0; j < series; j++) {
            const want = ref[j]!;
            const got = store.samples({ __name__: 'h', k: String(j) }, -(2 ** 50), 2 ** 50);
            expect(Array.from(got.timestamps)).toEqual(want.map((x) => x.t));
            expect(patterns(got.values)).toEqual(want.map((x) => bitsOf(x.v)));
            expect(Array.from(got.stale)).toEqual(want.map((x) => x.s));
          }
        }
      }
    }
  }, 60_000);

  it('keep series in lockstep apart as their heads move through the size classes and seal', () => {
    const r = rng(7);
    const store = createStore({ chunkSamples: 120 });
    const n = 600;
    const ref: number[][] = Array.from({ length: n }, () => []);
    for (let step = 0; step < 130; step++) {
      for (let k = 0; k < n; k++) {
        // full-precision floats: the heads grow fastest (XOR), through every class up to a sealed chunk
        const v = k % 3 === 0 ? r() * 1000 : Math.round(r() * 1e4) / 100;
        store.append({ __name__: 'l', k: String(k) }, step * 1000, v);
        ref[k]!.push(v);
      }
    }
    for (let k = 0; k < n; k += 3) {
      const got = store.samples({ __name__: 'l', k: String(k) }, 0, 1e9);
      expect(patterns(got.values)).toEqual(ref[k]!.map(bitsOf));
    }
  }, 60_000);

  it('give their pages back once every head has sealed', () => {
    const heads = new Heads();
    const r = rng(3);
    for (let id = 0; id < 2000; id++) heads.init(id);
    for (let i = 0; i < 100; i++) for (let id = 0; id < 2000; id++) heads.append(id, i * 1000, r());
    expect(heads.pageBytes).toBeGreaterThan(2000 * 100 * 2);
    for (let id = 0; id < 2000; id++) heads.clear(id);
    expect(heads.pageBytes).toBe(0);
  });
});

describe('HeadArena', () => {
  it('hands out slots that never overlap, and drops a page when its last slot goes', () => {
    const r = rng(11);
    const arena = new HeadArena();
    const live = new Map<number, { c: number; mark: number }>();
    for (let i = 0; i < 8000; i++) {
      if (live.size > 0 && r() < 0.45) {
        const hs = [...live.keys()];
        const h = hs[Math.floor(r() * hs.length)]!;
        live.delete(h);
        arena.release(h);
        continue;
      }
      const c = Math.floor(r() * 12);
      const h = arena.alloc(c);
      const page = arena.page(h);
      const o = arena.offset(h);
      expect(Array.from(page.subarray(o, o + classWords(c))).every((w) => w === 0)).toBe(true);
      page.fill(i + 1, o, o + classWords(c));
      live.set(h, { c, mark: i + 1 });
    }
    for (const [h, { c, mark }] of live) {
      const o = arena.offset(h);
      expect(Array.from(arena.page(h).subarray(o, o + classWords(c))).every((w) => w === mark)).toBe(true);
    }
    for (const h of live.keys()) arena.release(h);
    expect(arena.words).toBe(0);
  }, 30_000);
});
