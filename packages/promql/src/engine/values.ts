// The values an expression evaluates to at one step, as in Prometheus (promql/value.go).
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';

/** One sample of an instant vector. `t` is the sample's own time for selectors, else the step's. */
export interface Sample {
  readonly metric: Labels;
  readonly v: number;
  readonly t: number;
}

/** Sample times or values: a plain array, or a view into fetched data. */
export type Floats = number[] | Float64Array;

/** One series of a range vector: its points in time order. */
export interface Series {
  readonly metric: Labels;
  readonly ts: Floats;
  readonly vs: Floats;
}

/**
 * Points `lo` to `hi - 1` of a series' arrays: one window of a range vector, read in place. Range functions
 * take windows rather than copies so that a range query can slide one window over a series' samples for
 * all its steps without allocating per step.
 */
export interface Points {
  readonly ts: Floats;
  readonly vs: Floats;
  readonly lo: number;
  readonly hi: number;
  /**
   * Optional: `resets[i]` counts the counter resets (a value below the one before it) among the series' samples
   * up to index i. Where a window holds none, rate() and increase() skip their scan of it.
   */
  readonly resets?: Int32Array;
}

/** All points of a series as a window. */
export const allPoints = (s: Series): Points => ({ ts: s.ts, vs: s.vs, lo: 0, hi: s.ts.length });

/** A value of one of PromQL's four types. */
export type Value =
  | { readonly type: 'scalar'; readonly v: number }
  | { readonly type: 'string'; readonly s: string }
  | { readonly type: 'vector'; readonly samples: Sample[] }
  | { readonly type: 'matrix'; readonly series: Series[] };

// Label sets are never changed once keyed (build a new object instead) and the same objects recur at every step of a query, so keys and name-less
// copies are computed once per object.
const keys = new WeakMap<Labels, string>();
const nameless = new WeakMap<Labels, Labels>();

/** A canonical key of a label set (names sorted), for grouping and matching. */
export function labelsKey(l: Labels): string {
  let k = keys.get(l);
  if (k !== undefined) return k;
  k = '';
  for (const n of sortedNames(l)) k += `${n}\xff${l[n]}\xfe`;
  keys.set(l, k);
  return k;
}

/** The label set without `__name__` (the same object for the same input). */
export function dropName(l: Labels): Labels {
  if (l.__name__ === undefined) return l;
  let out = nameless.get(l);
  if (!out) {
    const { __name__: _, ...rest } = l;
    nameless.set(l, (out = rest));
  }
  return out;
}

/** Label sets with more names than this are sorted by Array#sort (the insertion sort below is quadratic). */
const FEW_NAMES = 24;

/**
 * The label names of `l`, sorted as Array#sort sorts strings. A label set has a handful of names: sorted by hand,
 * as Array#sort's work space cost ~800 bytes per call (8 MB of garbage for the first sort of 10,000 series).
 */
function sortedNames(l: Labels): string[] {
  const names = Object.keys(l);
  if (names.length > FEW_NAMES) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const x = names[i]!;
    let j = i - 1;
    for (; j >= 0 && names[j]! > x; j--) names[j + 1] = names[j]!;
    names[j + 1] = x;
  }
  return names;
}

const namesByLabels = new WeakMap<Labels, readonly string[]>();

/** The label names of `l` in order, computed once per label set (sorting a thousand series compares each often). */
function namesOf(l: Labels): readonly string[] {
  let n = namesByLabels.get(l);
  if (!n) namesByLabels.set(l, (n = sortedNames(l)));
  return n;
}

/** Orders label sets as Prometheus does: by sorted (name, value) pairs. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = namesOf(a);
  const bn = namesOf(b);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i]!;
    const y = bn[i]!;
    if (x !== y) return x < y ? -1 : 1;
    const xv = a[x]!;
    const yv = b[y]!;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return an.length - bn.length;
}

/**
 * A string whose order (JavaScript's `<`) is compareLabels' order: each sorted name, \x01, its value, \x00.
 * Names hold only [a-zA-Z0-9_] and so sort after \x01, and a value that ends first sorts first because \x00
 * sorts before every character — unless a value holds \x00 (or a name \x00 or \x01): then null, and callers
 * compare the labels.
 * Built flat in one join: a key added up with `+=` is a tree of string pieces, which every comparison of the sort
 * flattens again into a copy. Neither the key nor the names are kept: a sort needs them once, and kept per label
 * set (a WeakMap entry each) they were most of what the first query after a store opened left alive (1 MB over
 * ten thousand series) for the collector to copy and promote, while later queries reuse the order found.
 */
export function sortKey(l: Labels): string | null {
  const names = sortedNames(l);
  const parts: string[] = new Array(names.length * 4);
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const v = l[n]!;
    if (v.includes('\x00') || n.includes('\x00') || n.includes('\x01')) return null;
    parts[4 * i] = n;
    parts[4 * i + 1] = '\x01';
    parts[4 * i + 2] = v;
    parts[4 * i + 3] = '\x00';
  }
  return parts.join('');
}

/** Prometheus's text of a label set: `{a="b", c="d"}` with the name first when present. */
export function formatLabels(l: Labels): string {
  const names = Object.keys(l)
    .filter((n) => n !== '__name__')
    .sort();
  const body = names.map((n) => `${n}=${JSON.stringify(l[n])}`).join(', ');
  return `${l.__name__ ?? ''}{${body}}`;
}

/** Prometheus's error when an operation leaves two samples with the same labels. */
export function checkUnique(samples: readonly Sample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const k = labelsKey(s.metric);
    if (seen.has(k))
      throw new PromQLEvalError(
        `vector cannot contain metrics with the same labelset (${formatLabels(s.metric)})`,
      );
    seen.add(k);
  }
}
