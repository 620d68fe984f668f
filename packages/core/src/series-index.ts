import { hex16, type LabelHasher, labelHash, labelText } from './fnv.js';
import { type Labels, sortedNames } from './labels.js';

/** Builds the label set of a series from the text it was interned by (see {@link SeriesIndex.addText}). */
export type LabelBuilder = (text: string) => Labels;

/**
 * Label sets by their fingerprint, so that interning builds no key string: a series is found by the 64-bit
 * FNV-1a hash of its sorted labels (Prometheus's fingerprint, which the registry then has for free) in an
 * open-addressing table of ids, and confirmed label by label. A canonical key string per series cost ~1.5 µs to
 * build and hash and ~130 bytes to keep, for every series a first scrape sees.
 */
export class SeriesIndex {
  /** id + 1 per position (0: empty), linear probing, at most half full. */
  private tab = new Int32Array(1024);
  private mask = 1023;
  /** 32 minus log2 of the capacity: positions take the top bits of a multiplicative mix. */
  private shift = 22;
  /** Per id: the hash's two halves and the number of labels. */
  private hi = new Int32Array(1024);
  private lo = new Int32Array(1024);
  private count = new Int32Array(1024);
  /**
   * Per id: its labels, or a string holding the text they are built from on first use (see {@link addText}); the
   * text is `[from, to)` of it (many series may share one string).
   */
  private readonly sets: (Labels | string)[] = [];
  /**
   * Per id, for series added by text: the range and builder of their text. Made with the first {@link addText}: a
   * registry given only label sets (the embedded preset's) then keeps no per-series column for it (12 bytes per
   * series and a pointer each for the builders).
   */
  private text: TextColumns | undefined;
  /** What the last {@link find} computed, for the {@link add} that follows a miss. */
  private lastHi = 0;
  private lastLo = 0;
  private lastCount = 0;
  private lastAt = -1;
  private lastLabels: Labels | undefined;
  private lastText: string | undefined;
  private lastFrom = 0;
  private lastNames: readonly string[] = [];

  constructor(private readonly hasher: LabelHasher = labelHash) {}

  get size(): number {
    return this.sets.length;
  }

  /** The id of a label set equal to `labels`, or -1. */
  find(labels: Labels): number {
    const names = sortedNames(labels);
    this.hasher.run(names, labels);
    const hi = this.hasher.hi;
    const lo = this.hasher.lo;
    this.lastHi = hi;
    this.lastLo = lo;
    this.lastCount = names.length;
    this.lastNames = names;
    this.lastLabels = undefined;
    this.lastText = undefined;
    const tab = this.tab;
    for (let i = home(lo, this.shift); ; i = (i + 1) & this.mask) {
      const e = tab[i]!;
      if (e === 0) {
        // a miss: the add() that follows may use this probe
        this.lastLabels = labels;
        this.lastAt = i;
        return -1;
      }
      const id = e - 1;
      if (this.lo[id] === lo && this.hi[id] === hi && this.same(id, names, labels)) return id;
    }
  }

  /** Adds `labels` (a frozen copy, or `labels` itself when frozen with string values) unless present; returns its id. Right after a {@link find} of them missed,
   * it reuses that probe. */
  add(labels: Labels): number {
    if (labels !== this.lastLabels) {
      const found = this.find(labels);
      if (found >= 0) return found;
    }
    this.lastLabels = undefined;
    const id = this.sets.length;
    if (id === this.hi.length) this.growColumns();
    this.sets.push(ownable(labels, this.lastNames) ? labels : Object.freeze(copyAsText(labels)));
    this.place(id);
    return id;
  }

  /**
   * The id of the series whose fingerprint halves are `hi`/`lo`, with `count` labels, equal to `build` of the text
   * `text.slice(from, to)`; or -1. The labels are built only to confirm a fingerprint found already (another
   * spelling of the series, or a collision).
   */
  findText(
    hi: number,
    lo: number,
    count: number,
    text: string,
    build: LabelBuilder,
    from = 0,
    to: number = text.length,
  ): number {
    this.lastHi = hi;
    this.lastLo = lo;
    this.lastCount = count;
    this.lastLabels = undefined;
    this.lastText = undefined;
    let built: Labels | undefined;
    const tab = this.tab;
    for (let i = home(lo, this.shift); ; i = (i + 1) & this.mask) {
      const e = tab[i]!;
      if (e === 0) {
        this.lastText = text;
        this.lastFrom = from;
        this.lastAt = i;
        return -1;
      }
      const id = e - 1;
      if (this.lo[id] === lo && this.hi[id] === hi && this.count[id] === count) {
        built ??= build(textOf(text, from, to));
        if (this.same(id, sortedNames(built), built)) return id;
      }
    }
  }

  /**
   * Adds a series by its text, unless present: `build(text)` makes its labels when they are first asked for, so
   * interning keeps one string (which the caller usually holds anyway) and no object. `hi`, `lo` and `count` must
   * be those of `build(text)` (see `textHash`). Right after a {@link findText} of it missed, it reuses that probe.
   * With `from` and `to`, the series' text is `text.slice(from, to)`: the index keeps `text` and the range, so a
   * caller holding many series' texts in one string (a chunk of a scrape page) leaves no string per series.
   */
  addText(
    hi: number,
    lo: number,
    count: number,
    text: string,
    build: LabelBuilder,
    from = 0,
    to: number = text.length,
  ): number {
    if (text !== this.lastText || from !== this.lastFrom || hi !== this.lastHi || lo !== this.lastLo) {
      const found = this.findText(hi, lo, count, text, build, from, to);
      if (found >= 0) return found;
    }
    this.lastText = undefined;
    const id = this.sets.length;
    if (id === this.hi.length) this.growColumns();
    this.text ??= new TextColumns(this.hi.length);
    this.sets.push(text);
    this.text.set(id, from, to, build);
    this.place(id);
    return id;
  }

  /** Records the last probe's hash for the new series `id` and puts it in the table. */
  private place(id: number): void {
    this.hi[id] = this.lastHi;
    this.lo[id] = this.lastLo;
    this.count[id] = this.lastCount;
    if (2 * (id + 1) > this.tab.length) this.growTable();
    else this.tab[this.lastAt] = id + 1;
  }

  /** The labels of series `id` (built now if it was added by text), or `undefined` for an id never issued. */
  labels(id: number): Labels | undefined {
    const set = this.sets[id];
    if (typeof set !== 'string') return set;
    const built = this.text!.build(id, set);
    const own = ownable(built, Object.keys(built)) ? built : Object.freeze(copyAsText(built));
    this.sets[id] = own;
    return own;
  }

  /** The Prometheus fingerprint of series `id`. */
  fingerprint(id: number): string {
    return hex16(this.hi[id]!, this.lo[id]!);
  }

  /** Whether series `id` holds exactly `names` with the values in `labels`. */
  private same(id: number, names: readonly string[], labels: Labels): boolean {
    if (this.count[id] !== names.length) return false;
    const have = this.labels(id)!;
    for (let i = 0; i < names.length; i++) if (have[names[i]!] !== labelText(labels[names[i]!])) return false;
    return true;
  }

  private growColumns(): void {
    // by half, not doubling: the slack is kept for good (ids are never given back)
    const n = Math.ceil(this.hi.length * 1.5);
    this.hi = grown(this.hi, n);
    this.lo = grown(this.lo, n);
    this.count = grown(this.count, n);
    this.text?.grow(n);
  }

  /** Doubles the table and places every id again (the id just added included). */
  private growTable(): void {
    this.tab = new Int32Array(this.tab.length * 2);
    this.mask = this.tab.length - 1;
    this.shift--;
    for (let id = 0; id < this.sets.length; id++) {
      let i = home(this.lo[id]!, this.shift);
      while (this.tab[i] !== 0) i = (i + 1) & this.mask;
      this.tab[i] = id + 1;
    }
  }
}

/**
 * The range of its text and the builder of each series added by text (see {@link SeriesIndex.addText}). Builders
 * are few (one per caller, shared by its series): a series holds its builder's number, not a pointer.
 */
class TextColumns {
  private from: Int32Array;
  private to: Int32Array;
  private builder: Int32Array;
  private readonly builders: LabelBuilder[] = [];
  private readonly numbers = new Map<LabelBuilder, number>();
  private last = 0;

  constructor(capacity: number) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.builder = new Int32Array(capacity);
  }

  set(id: number, from: number, to: number, build: LabelBuilder): void {
    // a scrape adds thousands of series with one builder in a row: no Map lookup for those
    let n = build === this.builders[this.last] ? this.last : this.numbers.get(build);
    if (n === undefined) {
      n = this.builders.push(build) - 1;
      this.numbers.set(build, n);
    }
    this.last = n;
    this.from[id] = from;
    this.to[id] = to;
    this.builder[id] = n;
  }

  /** Builds the labels of series `id` from `text`, the string it was added with. */
  build(id: number, text: string): Labels {
    return this.builders[this.builder[id]!]!(textOf(text, this.from[id]!, this.to[id]!));
  }

  grow(capacity: number): void {
    this.from = grown(this.from, capacity);
    this.to = grown(this.to, capacity);
    this.builder = grown(this.builder, capacity);
  }
}

/** A copy of `a` with room for `capacity` entries. */
function grown(a: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(capacity);
  b.set(a);
  return b;
}

/** `text[from, to)`, the whole string itself when that is all of it. */
function textOf(text: string, from: number, to: number): string {
  return from === 0 && to === text.length ? text : text.slice(from, to);
}

/** The home position of a hash: its top bits after a multiplicative mix (Fibonacci hashing). */
function home(lo: number, shift: number): number {
  return Math.imul(lo, 0x9e3779b1) >>> shift;
}

/**
 * Whether the registry can keep `labels` itself: frozen (nobody can change it later) with only string values (what
 * a copy would hold). A scrape parser builds a fresh frozen set per new series; a copy of it cost an object and a
 * third of the time spent interning.
 */
function ownable(labels: Labels, names: readonly string[]): boolean {
  if (!Object.isFrozen(labels)) return false;
  // `names` are the label's own enumerable keys (find() took them): a for-in here cost as much again
  for (let i = 0; i < names.length; i++) if (typeof labels[names[i]!] !== 'string') return false;
  return true;
}

/** A copy of the labels whose values are all strings (see {@link labelText}). */
function copyAsText(labels: Labels): Record<string, string> {
  const copy: Record<string, string> = Object.assign({}, labels);
  for (const name of Object.keys(copy))
    if (typeof copy[name] !== 'string') copy[name] = labelText(copy[name]);
  return copy;
}
