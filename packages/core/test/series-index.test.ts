import { describe, expect, it } from 'vitest';
import type { LabelHasher } from '../src/fnv.js';
import { createSeriesRegistry, fingerprint, type Labels } from '../src/index.js';
import { SeriesIndex } from '../src/series-index.js';

/** A hasher that gives every label set the same hash, or one of two: every lookup goes through collisions. */
function degenerate(buckets: 1 | 2): LabelHasher {
  let h = 0;
  return {
    run: (names) => {
      h = buckets === 1 ? 0 : names.length % 2;
    },
    get hi() {
      return h;
    },
    get lo() {
      return h;
    },
    hash: () => '0000000000000000',
  };
}

/** Label sets that differ in one value, in a label's presence, or only in the order their keys were written. */
function sets(n: number): Labels[] {
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const base: Record<string, string> = { job: `j${i % 7}`, instance: `h${i}` };
    if (i % 3 === 0) base['extra'] = '';
    if (i % 5 === 0) base['zone'] = 'a';
    out.push(base);
  }
  return out;
}

/** The same labels with the keys written in reverse. */
const reversed = (l: Labels): Labels => Object.fromEntries(Object.entries(l).reverse());

describe('series index', () => {
  it.each([
    ['real FNV hashes', undefined],
    ['every set colliding', degenerate(1)],
    ['two hash values', degenerate(2)],
  ] as const)(
    '%s: finds each set again under any key order, and nothing else',
    { timeout: 60_000 },
    (_, hasher) => {
      const index = new SeriesIndex(hasher);
      // a degenerate hasher makes every lookup a walk of the whole chain (quadratic): fewer sets keep it quick on a
      // loaded machine while still chaining hundreds of sets under one hash
      const n = hasher ? 800 : 3_000;
      const all = sets(n);
      for (const [i, l] of all.entries()) {
        expect(index.find(l)).toBe(-1);
        expect(index.add(l)).toBe(i);
      }
      expect(index.size).toBe(n);
      for (const [i, l] of all.entries()) {
        expect(index.find(l)).toBe(i);
        expect(index.find(reversed(l))).toBe(i);
        expect(index.labels(i)).toEqual(l);
      }
      // one label more, one less, one value different
      expect(index.find({ ...all[1]!, extra: '' })).toBe(-1);
      expect(index.find({ job: 'j0' })).toBe(-1);
      expect(index.find({ ...all[1]!, instance: 'nope' })).toBe(-1);
    },
  );

  it('add() without a find() first, after another find(), or after a hit, still places the set right', () => {
    const index = new SeriesIndex();
    const a = { job: 'a' };
    const b = { job: 'b' };
    expect(index.find(a)).toBe(-1);
    expect(index.find(b)).toBe(-1);
    expect(index.add(a)).toBe(0);
    expect(index.add(b)).toBe(1);
    expect(index.add({ job: 'a' })).toBe(0);
    expect([index.find(a), index.find(b)]).toEqual([0, 1]);
    // right after a find() that hit, add() of the same object adds nothing
    expect(index.find(b)).toBe(1);
    expect(index.add(b)).toBe(1);
    expect(index.size).toBe(2);
  });

  it('keeps a frozen copy: changing the caller object later changes nothing', () => {
    const index = new SeriesIndex();
    const l: Record<string, string> = { job: 'x' };
    index.find(l);
    const id = index.add(l);
    l['job'] = 'y';
    expect(index.labels(id)).toEqual({ job: 'x' });
    expect(Object.isFrozen(index.labels(id))).toBe(true);
    expect(index.find({ job: 'x' })).toBe(id);
    expect(index.find({ job: 'y' })).toBe(-1);
  });

  it('keeps a frozen label set of strings as given, and copies a frozen one holding other values', () => {
    const index = new SeriesIndex();
    const owned = Object.freeze({ __name__: 'm', job: 'x' });
    const id = index.add(owned);
    expect(index.labels(id)).toBe(owned);
    const mixed = Object.freeze({ __name__: 'm', code: 200 as unknown as string });
    const id2 = index.add(mixed);
    expect(index.labels(id2)).not.toBe(mixed);
    expect(index.labels(id2)).toEqual({ __name__: 'm', code: '200' });
    expect(index.find({ __name__: 'm', job: 'x' })).toBe(id);
  });

  it('gives the registry Prometheus fingerprints, non-ASCII names included', () => {
    const r = createSeriesRegistry();
    const cases: Labels[] = [{ b: '1', a: '2' }, { é: 'x', z: 'y', Z: '' }, {}, { job: '😀'.repeat(20_000) }];
    for (const l of cases) {
      const id = r.intern(l);
      expect(r.fingerprint(id)).toBe(fingerprint(l));
      expect(r.lookup(reversed(l))).toBe(id);
    }
  });

  it('treats values that are not strings as their text, as a key string did (a plain-JS plugin may pass numbers)', () => {
    const r = createSeriesRegistry();
    const loose = { code: 200, gone: undefined } as unknown as Labels;
    const id = r.intern(loose);
    expect(r.labels(id)).toEqual({ code: '200', gone: '' });
    expect(r.intern({ code: '200', gone: '' })).toBe(id);
    expect(r.fingerprint(id)).toBe(fingerprint({ code: '200', gone: '' }));
    expect(fingerprint(loose)).toBe(fingerprint({ code: '200', gone: '' }));
    expect(r.intern({ code: '201', gone: '' })).not.toBe(id);
  });

  // The table grows a segment at a time and the per-id columns a page (16,384 ids) at a time: enough series that
  // every segment grows several times and the columns span three pages, interned as objects and as text in turn,
  // some labels built early and some late; each is then found by labels, under its fingerprint and with its labels.
  it('finds every series across many segment growths and column pages, whether interned as labels or as text', () => {
    const r = createSeriesRegistry();
    const n = 40_000;
    const labelsOf = (i: number): Labels => Object.freeze({ job: `j${i % 13}`, path: `/api/v1/items/${i}` });
    const build = (text: string): Labels => labelsOf(Number(text));
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const l = labelsOf(i);
      if (i % 2 === 0) ids.push(r.intern(l));
      else {
        const [hi, lo] = [
          Number.parseInt(fingerprint(l).slice(0, 8), 16) | 0,
          Number.parseInt(fingerprint(l).slice(8), 16) | 0,
        ];
        ids.push(r.internText!(hi, lo, 2, `${i}`, build));
      }
      if (i % 1000 === 1) expect(r.labels(ids[i]!)).toEqual(l);
    }
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(r.size).toBe(n);
    for (let i = 0; i < n; i++) {
      const l = labelsOf(i);
      expect(r.lookup(reversed(l))).toBe(i);
      expect(r.fingerprint(i)).toBe(fingerprint(l));
      expect(r.labels(i)).toEqual(l);
    }
    expect(r.lookup({ job: 'j0', path: '/api/v1/items/1' })).toBeUndefined();
    expect(() => r.labels(n)).toThrow(RangeError);
    expect(() => r.labels(1.5)).toThrow(RangeError);
  });

  it('reserve() is a hint: ids, lookups and the cap are those without it, and odd counts are ignored', () => {
    const plain = createSeriesRegistry({ maxSeries: 3 });
    const hinted = createSeriesRegistry({ maxSeries: 3 });
    hinted.reserve!(1e12);
    hinted.reserve!(Number.NaN);
    hinted.reserve!(-5);
    for (const l of sets(5)) expect(hinted.intern(l)).toBe(plain.intern(l));
    expect([hinted.size, hinted.rejected]).toEqual([3, 2]);
    const big = createSeriesRegistry();
    big.reserve!(50_000);
    const all = sets(20_000);
    for (const [i, l] of all.entries()) expect(big.intern(l)).toBe(i);
    for (const [i, l] of all.entries()) expect(big.lookup(reversed(l))).toBe(i);
  });

  it('finds every series after reserve() makes room for the table between adds, and past the room it made', () => {
    const r = createSeriesRegistry();
    const all = sets(30_000);
    for (const [i, l] of all.slice(0, 3_000).entries()) expect(r.intern(l)).toBe(i);
    r.reserve!(9_000);
    for (const [i, l] of all.slice(0, 3_000).entries()) expect(r.lookup(reversed(l))).toBe(i);
    for (const [i, l] of all.entries()) expect(r.intern(l)).toBe(i);
    for (const [i, l] of all.entries()) expect(r.lookup(reversed(l))).toBe(i);
    expect(r.size).toBe(30_000);
  });
});
