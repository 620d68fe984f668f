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
  /**
   * The table, in {@link SEGMENTS} segments that each grow on their own: id + 1 per position (0: empty), linear
   * probing within a segment, each at most half to three quarters full (see {@link fill}). A hash's top bits pick
   * its segment. One table of every id
   * was placed again whole each time it doubled: at 65,536 series 10 to 20 ms of CPU in one call, which a host
   * interning in slices (a first scrape) could not split; a segment's growth places 1/64 of the ids (about 1,600 at
   * 100k series). The segments start at 1,024 positions in all, as the one table did.
   */
  private readonly segs: Int32Array[] = Array.from({ length: SEGMENTS }, () => new Int32Array(16));
  /** Per segment: ids in it, and 32 minus log2 of its capacity (positions take the top bits of the rest of the mix). */
  private readonly segUsed = new Int32Array(SEGMENTS);
  private readonly segShift = new Int32Array(SEGMENTS).fill(32 - 4);
  /** Per id: the hash's two halves and the number of labels. */
  private hi = new Int32Array(1024);
  private lo = new Int32Array(1024);
  private count = new Int32Array(1024);
  /**
   * Per id: its labels, or a string holding the text they are built from on first use (see {@link addText}); the
   * text is `[from, to)` of it (many series may share one string).
   */
  private readonly sets = new Paged<Labels | string>();
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
  private lastSeg = 0;
  private lastAt = -1;
  private lastLabels: Labels | undefined;
  private lastText: string | undefined;
  private lastFrom = 0;
  private lastNames: readonly string[] = [];

  constructor(private readonly hasher: LabelHasher = labelHash) {}

  get size(): number {
    return this.sets.size;
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
    const m = mix(lo);
    const seg = m >>> SEGMENT_SHIFT;
    const tab = this.segs[seg]!;
    const mask = tab.length - 1;
    for (let i = (m << SEGMENT_BITS) >>> this.segShift[seg]!; ; i = (i + 1) & mask) {
      const e = tab[i]!;
      if (e === 0) {
        // a miss: the add() that follows may use this probe
        this.lastLabels = labels;
        this.lastSeg = seg;
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
    const id = this.sets.size;
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
    const m = mix(lo);
    const seg = m >>> SEGMENT_SHIFT;
    const tab = this.segs[seg]!;
    const mask = tab.length - 1;
    for (let i = (m << SEGMENT_BITS) >>> this.segShift[seg]!; ; i = (i + 1) & mask) {
      const e = tab[i]!;
      if (e === 0) {
        this.lastText = text;
        this.lastFrom = from;
        this.lastSeg = seg;
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
    const id = this.sets.size;
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
    const seg = this.lastSeg;
    const used = ++this.segUsed[seg]!;
    if (used > fill(seg, this.segs[seg]!.length)) this.growSegment(seg, id);
    else this.segs[seg]![this.lastAt] = id + 1;
  }

  /** The labels of series `id` (built now if it was added by text), or `undefined` for an id never issued. */
  labels(id: number): Labels | undefined {
    if (!(id >= 0 && id < this.sets.size && (id | 0) === id)) return undefined;
    const set = this.sets.get(id);
    if (typeof set !== 'string') return set;
    const built = this.text!.build(id, set);
    const own = ownable(built, Object.keys(built)) ? built : Object.freeze(copyAsText(built));
    this.sets.set(id, own);
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

  /**
   * Makes room in the per-id columns for `count` more series: a caller about to add many (a first scrape) has them
   * grown once, where they would otherwise be copied as they fill, one copy of every column inside a single add.
   */
  reserve(count: number): void {
    if (!(count > 0)) return;
    const need = this.sets.size + Math.min(count, MAX_RESERVE);
    if (need > this.hi.length) this.growColumns(need);
    // the table's segments too: each doubling placed its ids again, 3 % of a first scrape's CPU; a few more than a
    // segment's even share (ids spread over the segments by hash, not evenly), a segment that gets more still grows
    const share = Math.ceil((need / SEGMENTS) * 1.1);
    for (let seg = 0; seg < SEGMENTS; seg++) {
      let capacity = this.segs[seg]!.length;
      while (fill(seg, capacity) < share) capacity *= 2;
      if (capacity > this.segs[seg]!.length) this.resize(seg, capacity);
    }
  }

  private growColumns(atLeast = 0): void {
    // by half, not doubling: the slack is kept for good (ids are never given back)
    const n = Math.max(Math.ceil(this.hi.length * 1.5), atLeast);
    this.hi = grown(this.hi, n);
    this.lo = grown(this.lo, n);
    this.count = grown(this.count, n);
    this.text?.grow(n);
  }

  /** Doubles segment `seg` and places its ids again, and `id`, just added to it. */
  private growSegment(seg: number, id: number): void {
    this.resize(seg, this.segs[seg]!.length * 2);
    this.put(seg, id + 1);
  }

  /** Gives segment `seg` `capacity` positions (a power of two, more than it has) and places its ids again. */
  private resize(seg: number, capacity: number): void {
    const old = this.segs[seg]!;
    this.segs[seg] = new Int32Array(capacity);
    // 32 minus log2 of the capacity
    this.segShift[seg] = Math.clz32(capacity) + 1;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.put(seg, old[i]!);
  }

  /** Puts the table entry `e` (an id + 1) in segment `seg`, at the first free position from its hash's. */
  private put(seg: number, e: number): void {
    const tab = this.segs[seg]!;
    const mask = tab.length - 1;
    let i = (mix(this.lo[e - 1]!) << SEGMENT_BITS) >>> this.segShift[seg]!;
    while (tab[i] !== 0) i = (i + 1) & mask;
    tab[i] = e;
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

/** Most series one {@link SeriesIndex.reserve} makes room for (a hint far off the mark must not take the memory). */
const MAX_RESERVE = 1 << 22;

/** Segments of the table: a power of two, and how many top bits of a mixed hash pick one. */
const SEGMENT_BITS = 6;
const SEGMENTS = 1 << SEGMENT_BITS;
const SEGMENT_SHIFT = 32 - SEGMENT_BITS;

/**
 * How many ids segment `seg` of capacity `capacity` holds before it doubles: from half of it (segment 0) to three
 * quarters (the last). Segments fill at the same pace; had they one limit they would double together, which is
 * one placing of every id again spread over a few hundred adds, not over the whole stretch until the next doubling.
 */
function fill(seg: number, capacity: number): number {
  return (capacity * (128 + (seg << (6 - SEGMENT_BITS)))) >>> 8;
}

/** A hash's low half mixed (Fibonacci hashing): its top bits pick the segment, the next ones the position in it. */
function mix(lo: number): number {
  return Math.imul(lo, 0x9e3779b1) >>> 0;
}

/** Entries per page of a {@link Paged} column: 16,384 pointers, a page V8 puts straight in its large-object space. */
const PAGE_BITS = 14;
const PAGE = 1 << PAGE_BITS;

/**
 * Ids up to which {@link Paged}'s first page grows as a plain array does: a registry of a few thousand series keeps
 * about the room it needs (a whole page is 128 kB per column), and the copies of such small arrays cost little.
 */
const FIRST_PAGE_GROWS_TO = 4096;

/** A page of {@link PAGE} entries starting with `first`'s (a plain loop: `Object.assign` took 50 ms for 4,096 the first time). */
function wholePage<T>(first: readonly T[]): T[] {
  const page = new Array<T>(PAGE);
  for (let i = 0; i < first.length; i++) page[i] = first[i]!;
  return page;
}

/**
 * A column of values per id, in fixed pages: one array of every id was copied whole each time it grew (5 to 15 ms
 * of CPU at 100k series), and a page is never copied. The first page grows as a plain array does while the registry
 * is small (a registry of a few series keeps a few slots), the others are made whole.
 */
class Paged<T> {
  private readonly pages: T[][] = [[]];
  size = 0;

  push(value: T): void {
    if (this.size < FIRST_PAGE_GROWS_TO) this.pages[0]!.push(value);
    else {
      // past a small registry's size the first page is made whole at once: grown by push it was copied again at
      // each step up to 16,384 (at 15,044 ids last, 1 to 5 ms of CPU for the two columns)
      if (this.size === FIRST_PAGE_GROWS_TO) this.pages[0] = wholePage(this.pages[0]!);
      if ((this.size & (PAGE - 1)) === 0) this.pages.push(new Array<T>(PAGE));
      this.pages[this.size >>> PAGE_BITS]![this.size & (PAGE - 1)] = value;
    }
    this.size++;
  }

  get(id: number): T {
    return this.pages[id >>> PAGE_BITS]![id & (PAGE - 1)]!;
  }

  set(id: number, value: T): void {
    this.pages[id >>> PAGE_BITS]![id & (PAGE - 1)] = value;
  }
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
