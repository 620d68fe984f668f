import { describe, expect, it } from 'vitest';
import {
  compareBytes,
  createSeriesRegistry,
  fingerprint,
  type Labels,
  SERIES_REJECTED,
  textHash,
} from '../src/index.js';

// A registry can intern a series by its text and fingerprint (SeriesRegistry.internText) and build its labels
// only when asked. Reference: intern() of the built labels, and core's fingerprint().

/** A tiny text form for these tests: `a=1;b=2`, one label per `;`. */
const parse = (text: string): Labels =>
  Object.freeze(Object.fromEntries(text === '' ? [] : text.split(';').map((p) => p.split('='))));

/** The fingerprint halves of `labels` through textHash, each name and value given as a range of a longer text. */
function hashText(labels: Labels): { hi: number; lo: number; count: number } {
  textHash.reset();
  const names = Object.keys(labels).sort(compareBytes);
  for (const n of names) {
    const padded = `<${n}>`;
    textHash.add(padded, 1, padded.length - 1);
    const v = `xx${labels[n]}y`;
    textHash.add(v, 2, v.length - 1);
  }
  return { hi: textHash.hi, lo: textHash.lo, count: names.length };
}

const hex = (hi: number, lo: number): string =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// values with ASCII, two-, three- and four-byte UTF-8, a lone surrogate (hashed as U+FFFD) and the empty string
const ALPHABET = ['a', 'Z', '_', '0', ' ', 'é', 'ß', '€', '中', '😀', '\ud800', '\udc00', '\n', '"'];

describe('textHash', () => {
  it('gives the fingerprint of a label set, for any text (UTF-8 of every width, lone surrogates)', () => {
    const r = rng(7);
    for (let k = 0; k < 2000; k++) {
      const labels: Record<string, string> = {};
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) {
        let v = '';
        const len = Math.floor(r() * 8);
        for (let j = 0; j < len; j++) v += ALPHABET[Math.floor(r() * ALPHABET.length)];
        labels[`l${Math.floor(r() * 20)}`] = v;
      }
      const h = hashText(labels);
      expect(hex(h.hi, h.lo)).toBe(fingerprint(labels));
    }
  });
});

describe('SeriesRegistry.internText', () => {
  it('finds one series whether it came by text or by labels, and builds its labels once, on first use', () => {
    const reg = createSeriesRegistry();
    let builds = 0;
    const build = (t: string): Labels => {
      builds++;
      return parse(t);
    };
    const text = 'job=api;instance=h:1;__name__=up';
    const h = hashText(parse(text));
    const id = reg.internText!(h.hi, h.lo, h.count, text, build);
    expect(builds).toBe(0);
    expect(reg.fingerprint(id)).toBe(fingerprint(parse(text)));
    expect(builds).toBe(0);
    // the same labels in another order, by text: the same series (confirmed by building both)
    const other = '__name__=up;job=api;instance=h:1';
    expect(reg.internText!(h.hi, h.lo, h.count, other, build)).toBe(id);
    const labels = reg.labels(id);
    expect(labels).toEqual({ __name__: 'up', instance: 'h:1', job: 'api' });
    expect(Object.isFrozen(labels)).toBe(true);
    expect(reg.labels(id)).toBe(labels);
    const after = builds;
    reg.labels(id);
    expect(builds).toBe(after);
    expect(reg.intern({ job: 'api', __name__: 'up', instance: 'h:1' })).toBe(id);
    expect(reg.lookup({ instance: 'h:1', __name__: 'up', job: 'api' })).toBe(id);
    expect(reg.size).toBe(1);
  });

  it('keeps a range of a shared string as a series text: builds from that range, finds it by labels or another range', () => {
    const reg = createSeriesRegistry();
    const seen: string[] = [];
    const build = (t: string): Labels => {
      seen.push(t);
      return parse(t);
    };
    // three series cut from one string, as a scrape parser cuts new series from a chunk of its page
    const chunk = 'x|a=1;b=2|a=2;b=2|c=3|y';
    const ranges: [number, number][] = [
      [2, 9],
      [10, 17],
      [18, 21],
    ];
    const ids = ranges.map(([from, to]) => {
      const h = hashText(parse(chunk.slice(from, to)));
      return reg.internText!(h.hi, h.lo, h.count, chunk, build, from, to);
    });
    expect(new Set(ids).size).toBe(3);
    expect(seen).toEqual([]);
    expect(reg.fingerprint(ids[1]!)).toBe(fingerprint({ a: '2', b: '2' }));
    expect(reg.labels(ids[1]!)).toEqual({ a: '2', b: '2' });
    expect(seen).toEqual(['a=2;b=2']);
    expect(reg.intern({ c: '3' })).toBe(ids[2]);
    expect(seen).toEqual(['a=2;b=2', 'c=3']);
    // the first series again, as a range of another string in another order: confirmed by building both
    const again = 'zz b=2;a=1';
    const h = hashText(parse('b=2;a=1'));
    expect(reg.internText!(h.hi, h.lo, h.count, again, build, 3, again.length)).toBe(ids[0]);
    expect(seen).toContain('b=2;a=1');
    expect(seen).toContain('a=1;b=2');
    expect(reg.labels(ids[0]!)).toEqual({ a: '1', b: '2' });
    expect(reg.size).toBe(3);
  });

  it('finds a series interned by labels when the same series comes by text', () => {
    const reg = createSeriesRegistry();
    const id = reg.intern({ a: '1', b: '2' });
    const h = hashText(parse('b=2;a=1'));
    expect(reg.internText!(h.hi, h.lo, h.count, 'b=2;a=1', parse)).toBe(id);
    expect(reg.size).toBe(1);
  });

  it('keeps two label sets apart when their hashes collide', () => {
    const reg = createSeriesRegistry();
    const h = hashText(parse('a=1'));
    // a forged collision: both texts claim the same fingerprint and label count
    const one = reg.internText!(h.hi, h.lo, 1, 'a=1', parse);
    const two = reg.internText!(h.hi, h.lo, 1, 'a=2', parse);
    expect(two).not.toBe(one);
    expect(reg.labels(one)).toEqual({ a: '1' });
    expect(reg.labels(two)).toEqual({ a: '2' });
    expect(reg.internText!(h.hi, h.lo, 1, 'a=2', parse)).toBe(two);
    expect(reg.intern({ a: '1' })).toBe(one);
  });

  it('copies a built label set that is not frozen or holds non-strings', () => {
    const reg = createSeriesRegistry();
    const h = hashText({ a: '1' });
    const id = reg.internText!(h.hi, h.lo, 1, 'a=1', () => ({ a: 1 }) as unknown as Labels);
    const labels = reg.labels(id);
    expect(labels).toEqual({ a: '1' });
    expect(Object.isFrozen(labels)).toBe(true);
  });

  it('refuses new series past the cap and counts them, as intern does', () => {
    let limit = 0;
    const reg = createSeriesRegistry({ maxSeries: 1, onLimit: (n) => (limit = n) });
    const a = hashText({ a: '1' });
    const b = hashText({ a: '2' });
    const id = reg.internText!(a.hi, a.lo, 1, 'a=1', parse);
    expect(reg.internText!(b.hi, b.lo, 1, 'a=2', parse)).toBe(SERIES_REJECTED);
    expect(reg.internText!(a.hi, a.lo, 1, 'a=1', parse)).toBe(id);
    expect(reg.rejected).toBe(1);
    expect(limit).toBe(1);
    expect(() => reg.fingerprint(1)).toThrow(RangeError);
    expect(() => reg.labels(1)).toThrow(RangeError);
  });

  it('matches intern() on many random series, by text and by labels in any order', () => {
    const r = rng(11);
    const byText = createSeriesRegistry();
    const byLabels = createSeriesRegistry();
    for (let k = 0; k < 3000; k++) {
      const pairs = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => `n${i}=${Math.floor(r() * 5)}`);
      if (r() < 0.5) pairs.reverse();
      const text = pairs.join(';');
      const h = hashText(parse(text));
      const id = byText.internText!(h.hi, h.lo, h.count, text, parse);
      expect(byLabels.intern(parse(text))).toBe(id);
      expect(byText.fingerprint(id)).toBe(byLabels.fingerprint(id));
    }
    expect(byText.size).toBe(byLabels.size);
    for (let id = 0; id < byText.size; id++) expect(byText.labels(id)).toEqual(byLabels.labels(id));
  });

  it('keeps each text series its own range and builder when text follows labels, across column growth', () => {
    // series by labels first (the text columns do not exist yet), then by text in ranges of shared chunks with two
    // builders, until the columns have grown several times; every label set is built, on first use, by its own
    // builder from its own range
    const reg = createSeriesRegistry();
    const first = Array.from({ length: 700 }, (_, i) => reg.intern({ job: 'a', i: String(i) }));
    const calls = { plain: 0, tagged: 0 };
    const plain = (t: string): Labels => {
      calls.plain++;
      return parse(t);
    };
    const tagged = (t: string): Labels => {
      calls.tagged++;
      return Object.freeze({ ...parse(t), via: 't' });
    };
    const expected: Labels[] = [];
    const ids: number[] = [];
    for (let chunk = 0; chunk < 50; chunk++) {
      const texts = Array.from({ length: 100 }, (_, k) => `job=b;i=${chunk * 100 + k}`);
      const joined = texts.join('|');
      let from = 0;
      texts.forEach((text, k) => {
        const build = k % 3 === 0 ? tagged : plain;
        const labels = build(text);
        const h = hashText(labels);
        ids.push(reg.internText!(h.hi, h.lo, h.count, joined, build, from, from + text.length));
        expected.push(labels);
        from += text.length + 1;
      });
    }
    calls.plain = 0;
    calls.tagged = 0;
    expect(new Set(ids).size).toBe(5000);
    expect(ids[0]).toBe(700);
    ids.forEach((id, k) => {
      expect(reg.labels(id)).toEqual(expected[k]);
    });
    // built once each, by the builder it came with
    expect(calls).toEqual({ plain: 3300, tagged: 1700 });
    ids.forEach((id, k) => {
      expect(reg.labels(id)).toEqual(expected[k]);
    });
    expect(calls).toEqual({ plain: 3300, tagged: 1700 });
    first.forEach((id, i) => {
      expect(reg.labels(id)).toEqual({ job: 'a', i: String(i) });
    });
  });
});
