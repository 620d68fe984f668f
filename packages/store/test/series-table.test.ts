import { type Labels, labelsKey } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { labelSetHash, SeriesTable, sameLabels } from '../src/internal/series-table.js';
import { rng } from './helpers.js';

// The store finds a series by a 32-bit hash of its labels (no key string per series). Reference: a Map keyed by
// core's labelsKey, the canonical key the store used before.

interface S {
  readonly labels: Labels;
  readonly n: number;
}

/** A label set of 0-4 labels from a small alphabet (so that sets repeat), its names in a random order. */
function randomLabels(r: () => number): Record<string, string> {
  const names = ['job', 'instance', 'pod', 'a', 'le'].filter(() => r() < 0.5);
  names.sort(() => r() - 0.5);
  const out: Record<string, string> = {};
  for (const n of names) out[n] = String(Math.floor(r() * 4));
  return out;
}

describe('SeriesTable', () => {
  it('finds, replaces and removes series like a map keyed by labelsKey, whatever the order of the names', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const table = new SeriesTable<S>();
      const ref = new Map<string, S>();
      for (let step = 0; step < 3000; step++) {
        const labels = randomLabels(r);
        const key = labelsKey(labels);
        const op = r();
        if (op < 0.4) {
          const s = { labels: { ...labels }, n: step };
          expect(table.set(s)).toBe(ref.get(key));
          ref.set(key, s);
        } else if (op < 0.55) {
          const s = ref.get(key);
          if (s) {
            expect(table.delete(s)).toBe(true);
            ref.delete(key);
          }
          // a series not in the table (same labels, another object) is not removed
          expect(table.delete({ labels, n: -1 })).toBe(false);
        } else expect(table.get(labels)).toBe(ref.get(key));
        expect(table.size).toBe(ref.size);
      }
      expect(new Set(table.values())).toEqual(new Set(ref.values()));
    }
  });

  it('keeps label sets whose hashes collide apart', () => {
    // found by search: two different label sets with one hash
    const a = { labels: { a: 'x253', b: 'y13' }, n: 1 };
    const b = { labels: { a: 'x104', b: 'y55' }, n: 2 };
    const c = { labels: { b: 'y55', a: 'x104' }, n: 3 };
    expect(labelSetHash(a.labels)).toBe(labelSetHash(b.labels));
    const table = new SeriesTable<typeof a>();
    expect(table.set(a)).toBeUndefined();
    expect(table.set(b)).toBeUndefined();
    expect([table.size, table.get({ b: 'y13', a: 'x253' }), table.get(b.labels)]).toEqual([2, a, b]);
    expect(table.get({ a: 'x253', b: 'y55' })).toBeUndefined();
    // same labels, names in another order: replaces b only
    expect(table.set(c)).toBe(b);
    expect([table.size, table.get(a.labels), table.get(b.labels)]).toEqual([2, a, c]);
    expect(table.delete(b)).toBe(false);
    expect(table.delete(a)).toBe(true);
    expect([table.size, table.get(a.labels), table.get(c.labels), [...table.values()]]).toEqual([
      1,
      undefined,
      c,
      [c],
    ]);
    expect(table.delete(c)).toBe(true);
    expect([table.size, [...table.values()]]).toEqual([0, []]);
  });

  it('compares values as text, as a key string joined them', () => {
    const table = new SeriesTable<S>();
    const s = { labels: { code: '200', x: '' }, n: 1 };
    table.set(s);
    expect(table.get({ code: 200 as unknown as string, x: undefined as unknown as string })).toBe(s);
    expect(table.get({ code: '200' })).toBeUndefined();
    // what confirms a hash match: a subset or superset is another series
    expect([sameLabels({ a: '1' }, { a: '1', b: '2' }), sameLabels({ a: '1', b: '2' }, { a: '1' })]).toEqual([
      false,
      false,
    ]);
  });
});
