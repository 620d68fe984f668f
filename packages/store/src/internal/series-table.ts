import type { Labels } from '@argus/core';

/**
 * Live series by label set, found by a 32-bit hash of the set and confirmed label by label. A key string per
 * series (`labelsKey`, ~100 bytes for seven labels, and a map entry keyed by it) was the largest part of the
 * store's own bookkeeping per series; a number key costs the map entry only.
 *
 * The hash adds up a hash per label pair, so it needs neither sorted names nor a names array: any order of the
 * same pairs gives the same hash. Values are compared as text, the way a key string joined them.
 */
export class SeriesTable<T extends { readonly labels: Labels }> {
  /** One series per hash, or an array of those that collide. */
  private readonly byHash: Map<number, T | T[]> = new Map();
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The series holding exactly these labels. */
  get(labels: Labels): T | undefined {
    const found = this.byHash.get(labelSetHash(labels));
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return sameLabels(found.labels, labels) ? found : undefined;
    for (const s of found) if (sameLabels(s.labels, labels)) return s;
    return undefined;
  }

  /** Adds `s`; a series with the same labels already there is replaced and returned. */
  set(s: T): T | undefined {
    const h = labelSetHash(s.labels);
    const found = this.byHash.get(h);
    if (found === undefined) {
      this.byHash.set(h, s);
      this.n++;
      return undefined;
    }
    if (!Array.isArray(found)) {
      if (sameLabels(found.labels, s.labels)) {
        this.byHash.set(h, s);
        return found;
      }
      this.byHash.set(h, [found, s]);
      this.n++;
      return undefined;
    }
    const i = found.findIndex((x) => sameLabels(x.labels, s.labels));
    if (i >= 0) {
      const old = found[i];
      found[i] = s;
      return old;
    }
    found.push(s);
    this.n++;
    return undefined;
  }

  /** Removes `s` itself (not another series with its labels); returns whether it was there. */
  delete(s: T): boolean {
    const h = labelSetHash(s.labels);
    const found = this.byHash.get(h);
    if (found === s) {
      this.byHash.delete(h);
      this.n--;
      return true;
    }
    if (!Array.isArray(found)) return false;
    const i = found.indexOf(s);
    if (i < 0) return false;
    found.splice(i, 1);
    if (found.length === 1) this.byHash.set(h, found[0]!);
    this.n--;
    return true;
  }

  /** Every series (copy it first to remove series while going through them). */
  *values(): IterableIterator<T> {
    for (const v of this.byHash.values()) {
      if (Array.isArray(v)) yield* v;
      else yield v;
    }
  }
}

/** A label value as text: a key string joined `undefined` and `null` as empty, anything else by `String`. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The sum of a 32-bit FNV-1a hash of each pair (name, a separator, value), as an int32. */
export function labelSetHash(labels: Labels): number {
  let sum = 0;
  for (const name in labels) {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
    const value = text(labels[name]);
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    // a final mix, so that pairs differing in one character do not differ in a few low bits only
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    sum = (sum + h) | 0;
  }
  return sum;
}

/** Whether two label sets hold the same names with the same values (as text). */
export function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  let n = 0;
  for (const name in a) {
    if (!Object.hasOwn(b, name) || text(a[name]) !== text(b[name])) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}
