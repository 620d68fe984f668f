import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeriesRegistry, fingerprint, labelsKey, SERIES_REJECTED } from '../src/index.js';

// Real Alertmanager 0.25 output (copied from shared/reference/local-servers/alertmanager-fingerprints.json).
const cases = JSON.parse(
  readFileSync(new URL('./fixtures/alertmanager-fingerprints.json', import.meta.url), 'utf8'),
) as {
  labels: Record<string, string>;
  fingerprint: string;
}[];

describe('fingerprint', () => {
  it.each(cases.map((c) => [c.fingerprint, c.labels] as const))('matches Alertmanager: %s', (fp, labels) => {
    expect(fingerprint(labels)).toBe(fp);
  });

  it('hashes the empty set to the FNV-1a offset basis', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
  });

  it('does not depend on insertion order', () => {
    expect(fingerprint({ b: '2', a: '1' })).toBe(fingerprint({ a: '1', b: '2' }));
  });

  it('separates names from values (no ambiguity across pairs)', () => {
    expect(fingerprint({ a: 'bc' })).not.toBe(fingerprint({ ab: 'c' }));
  });

  const ref = (labels: Record<string, string>): string => {
    let h = 0xcbf29ce484222325n;
    const enc = new TextEncoder();
    for (const n of Object.keys(labels).sort()) {
      for (const part of [n, labels[n]!]) {
        for (const b of enc.encode(part)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
        h = ((h ^ 0xffn) * 0x100000001b3n) & 0xffffffffffffffffn;
      }
    }
    return h.toString(16).padStart(16, '0');
  };

  it('agrees with a BigInt reference on random label sets', () => {
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200; i++) {
      const labels: Record<string, string> = {};
      const n = Math.floor(rnd() * 6);
      for (let j = 0; j < n; j++)
        labels[`l${Math.floor(rnd() * 20)}`] = String.fromCodePoint(
          ...Array.from({ length: Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 0x2fff)),
        );
      expect(fingerprint(labels)).toBe(ref(labels));
    }
  });

  // The hasher resumes after the pairs a call shares with the one before it: series interned in a row (a scrape
  // page's) differ in one value here, one name there, or in how many pairs they have.
  it('agrees with the reference on runs of label sets that share prefixes of every length', () => {
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const names = Array.from({ length: 11 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    let labels: Record<string, string> = Object.fromEntries(names.map((n) => [n, 'v']));
    for (let i = 0; i < 400; i++) {
      const next = { ...labels };
      const at = names[Math.floor(rnd() * names.length)]!;
      const r = rnd();
      if (r < 0.5) next[at] = `v${Math.floor(rnd() * 3)}`;
      else if (r < 0.7) delete next[at];
      else if (r < 0.85) next[at] = String.fromCodePoint(0xe9, Math.floor(rnd() * 0x2fff) + 0x100);
      else next[`${at}x`] = 'extra';
      labels = next;
      expect(fingerprint(labels)).toBe(ref(labels));
      // the same set again (everything shared) and the empty set (nothing shared) in between
      expect(fingerprint(labels)).toBe(ref(labels));
      if (i % 50 === 0) expect(fingerprint({})).toBe('cbf29ce484222325');
    }
  });

  it('hashes a value passed as a number as its text, also right after the same set with strings', () => {
    const text = { __name__: 'up', code: '200', job: 'a' };
    const loose = { __name__: 'up', code: 200, job: 'a' } as unknown as Record<string, string>;
    expect(fingerprint(text)).toBe(ref(text));
    expect(fingerprint(loose)).toBe(ref(text));
    expect(fingerprint({ ...text, code: '201' })).toBe(ref({ ...text, code: '201' }));
  });

  it('hashes every UTF-8 length and lone surrogates as TextEncoder encodes them', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // code points of 1 to 4 UTF-8 bytes, surrogates excluded (fromCodePoint makes pairs above U+FFFF)
    const point = (): number => {
      const p = [0x7f, 0x7ff, 0xffff, 0x10ffff][Math.floor(rnd() * 4)]!;
      const c = Math.floor(rnd() * p);
      return c >= 0xd800 && c <= 0xdfff ? 0x41 : c;
    };
    for (let i = 0; i < 300; i++) {
      const value = String.fromCodePoint(...Array.from({ length: Math.floor(rnd() * 10) }, point));
      expect(fingerprint({ a: value, b: 'x' })).toBe(ref({ a: value, b: 'x' }));
    }
    for (const odd of ['\ud800', 'x\udc00y', '\udbff\udbff', '\ud83d\ude00\ud83d', '\ufffd'])
      expect(fingerprint({ v: odd })).toBe(ref({ v: odd }));
  });

  it('hashes text that turns non-ASCII anywhere, names in any order', () => {
    // the ASCII loop hands over to the general one at the first other character: at the start, middle, end
    for (const v of [
      'é',
      'aé',
      'abcé',
      'éabc',
      'a😀b',
      'abc\ud800',
      `${'x'.repeat(100)}€${'y'.repeat(100)}`,
    ]) {
      const labels = { z: v, a: 'plain', m: `${v}${v}` };
      expect(fingerprint(labels)).toBe(ref(labels));
    }
  });
});

describe('series registry', () => {
  it('interns a label set once and returns the same id', () => {
    const r = createSeriesRegistry();
    const a = r.intern({ job: 'x', instance: '1' });
    expect(r.intern({ instance: '1', job: 'x' })).toBe(a);
    expect(r.intern({ job: 'x', instance: '2' })).toBe(a + 1);
    expect(r.size).toBe(2);
    expect(r.labels(a)).toEqual({ job: 'x', instance: '1' });
    expect(r.fingerprint(a)).toBe(fingerprint({ job: 'x', instance: '1' }));
    expect(r.lookup({ job: 'nope' })).toBeUndefined();
  });

  it('refuses series past maxSeries, warns once, and keeps existing ones', () => {
    const limits: number[] = [];
    const r = createSeriesRegistry({ maxSeries: 2, onLimit: (m) => limits.push(m) });
    const a = r.intern({ a: '1' });
    r.intern({ a: '2' });
    expect(r.intern({ a: '3' })).toBe(SERIES_REJECTED);
    expect(r.intern({ a: '4' })).toBe(SERIES_REJECTED);
    expect(r.intern({ a: '1' })).toBe(a);
    expect(r.rejected).toBe(2);
    expect(limits).toEqual([2]);
  });

  it('labelsKey does not collide when values contain separators, whatever the characters', () => {
    expect(labelsKey({ a: 'x\u0001b\u0000y' })).not.toBe(labelsKey({ a: 'x', b: 'y' }));
    expect(labelsKey({ a: 'x\uffffb\ufffey' })).not.toBe(labelsKey({ a: 'x', b: 'y' }));
    expect(labelsKey({ a: 'x\ufffeb\uffff' })).not.toBe(labelsKey({ a: 'x', b: '' }));
    expect(labelsKey({ 'a\uffff': '1' })).not.toBe(labelsKey({ a: '\uffff1' }));
    expect(labelsKey({ 'a\u0001': '1' })).not.toBe(labelsKey({ a: '\u00011' }));
    expect(labelsKey({ a: 'x\u0000' })).not.toBe(labelsKey({ a: 'x', '': '' }));
    expect(labelsKey({ b: '2', a: '1' })).toBe(labelsKey({ a: '1', b: '2' }));
    const sets: Record<string, string>[] = [
      {},
      { a: '' },
      { '': 'a' },
      { a: '', b: '' },
      { ab: '' },
      { a: 'b' },
      { '["a"': 'x' },
      { a: '["a","x"]' },
    ];
    expect(new Set(sets.map(labelsKey)).size).toBe(sets.length);
  });

  it('throws a RangeError for an unknown id', () => {
    expect(() => createSeriesRegistry().labels(5)).toThrow(RangeError);
  });
});
