/** A HELP, TYPE or UNIT line already checked on an earlier page. */
export interface CommentLine {
  readonly text: string;
  readonly kind: 'help' | 'type' | 'unit';
  readonly name: string;
  /** HELP text unescaped, the type, or the unit. */
  readonly value: string;
  /** The page count it was last seen on; a second TYPE on one page is an error. */
  page: number;
  /** Its index in the page it was last seen on. */
  idx: number;
}

/** No slot: the end of a `next` chain, or an empty {@link SeriesCache.first}. */
export const NO_SLOT = -1;

/** {@link SeriesCache}'s `keyFrom` of a slot whose text is a string of its own, and of a free slot. */
const OWN_KEY = -1;
const FREE = -2;
/** Slots per page of keys: 16,384 pointers, a page V8 puts straight in its large-object space (never copied by a scavenge). */
const KEY_PAGE_BITS = 14;
const KEY_PAGE = 1 << KEY_PAGE_BITS;
const KEY_PAGE_MASK = KEY_PAGE - 1;

/**
 * Series seen on earlier pages of one target, keyed by raw series text (Prometheus's scrape cache).
 *
 * Kept in columns indexed by a slot number, not as an object per series: a first scrape adds every series of its
 * page, and each object it kept was one more for every young-generation collection of that scrape to find alive
 * and copy (the collections were a fifth of a first scrape's CPU). A slot holds the series' text, the value its
 * handler resolved it to (`val`, e.g. a registry id), the page it was last seen on and the slot that followed it
 * on the last page. A vanished series' slot is freed and reused.
 *
 * The map by text is built only when a line is not where the last page had it. A page whose layout does not
 * change is matched line by line through `next` and never needs it, and a first scrape (every series new) would
 * only hash each text twice, for a lookup that misses and an insert: a fifth of its time, and a map entry per
 * series kept for nothing.
 */
export class SeriesCache {
  /**
   * Per slot, in pages of {@link KEY_PAGE} slots: the raw series text (name and label block) as it appears on the
   * page, when the slot holds it as a string of its own (see {@link key}). Pages, not one array: a JS array of a
   * first scrape's 100k keys was copied whole each time it grew, 5 to 15 ms of CPU in one go, inside one slice.
   */
  private keyPages: (string | undefined)[][] = [];
  /**
   * Per slot: where its text lies in {@link rangeText} (a first page's series, see {@link key}); {@link OWN_KEY} when
   * it is in the key pages, {@link FREE} when the slot is free. Slots from {@link end} on are never read.
   */
  private keyFrom: Int32Array = new Int32Array(64);
  private keyTo: Int32Array = new Int32Array(64);
  /** The string a first page's series lie in as ranges (the page itself), and how many slots still point into it. */
  private rangeText = '';
  private ranges = 0;
  /** Per slot: what the handler resolved the series to. */
  val: Int32Array = new Int32Array(64);
  /** Per slot: the page count it was last seen on (-1: never). */
  seen: Int32Array = new Int32Array(64);
  /**
   * Per slot: the page count it was last seen on before the current page touched it (see {@link setPrevSeen}), and
   * handler flags (the scrape parser's: whether its last sample carried a timestamp). Made on the first value that
   * is not the default (-1, 0): a first page writes none (its series were never seen, its lines rarely carry
   * timestamps), and these columns were fresh memory it zeroed for nothing, which this kind of machine makes costly.
   */
  private prevSeenCol: Int32Array | undefined;
  private flagsCol: Uint8Array | undefined;
  /** Per slot: the slot that followed it on the last page, checked first so a steady page needs no hashing. */
  next: Int32Array = new Int32Array(64);
  /** The first series of the last page. */
  first: number = NO_SLOT;
  /** Slots in use or freed: every live slot is below it. */
  end = 0;
  private count = 0;
  /** Freed slots, reused before `end` grows. */
  private free: number[] = [];
  private byText: Map<string, number> | undefined;
  /** HELP/TYPE/UNIT lines by their full text, and those of the last page in order (checked positionally). */
  readonly comments: Map<string, CommentLine> = new Map();
  lastComments: CommentLine[] = [];
  /** TYPE lines by metric name; only those whose `page` is the current page count. */
  readonly types: Map<string, CommentLine> = new Map();
  page = 0;

  get size(): number {
    return this.count;
  }

  /** Whether the map by text exists (else lookups would build it). */
  get indexed(): boolean {
    return this.byText !== undefined;
  }

  /** Whether `slot` holds a series. */
  live(slot: number): boolean {
    return slot < this.end && this.keyFrom[slot] !== FREE;
  }

  /**
   * The series text of `slot` (`''` when free). A first page's series are cached as ranges of the page, no string
   * each (a string per series was an object for every young-generation collection of a first scrape to copy, and
   * a slot in a growing array of them): the string is made here, when a later page first checks the line against
   * it.
   */
  key(slot: number): string {
    if (slot >= this.end) return '';
    const from = this.keyFrom[slot]!;
    if (from === OWN_KEY) return this.keyPages[slot >>> KEY_PAGE_BITS]![slot & KEY_PAGE_MASK]!;
    if (from === FREE) return '';
    const own = this.rangeText.slice(from, this.keyTo[slot]);
    this.setOwnKey(slot, own);
    this.leaveRange();
    return own;
  }

  /** The slot of the cached series with this text, building the map by text on first use; -1 when none. */
  find(text: string): number {
    if (this.byText === undefined) {
      this.byText = new Map();
      for (let slot = 0; slot < this.end; slot++) {
        if (this.keyFrom[slot] !== FREE) this.byText.set(this.key(slot), slot);
      }
    }
    return this.byText.get(text) ?? NO_SLOT;
  }

  /**
   * Caches a new series under its text `text[from, to)` (`text` itself when `from` is -1; never `''`), resolved to
   * `val`; returns its slot, not seen yet and followed by none.
   */
  add(text: string, val: number, from = -1, to = -1): number {
    let slot: number;
    if (this.free.length > 0) slot = this.free.pop()!;
    else {
      slot = this.end++;
      if (slot === this.val.length) this.grow();
    }
    if (from < 0 || (from === 0 && to === text.length)) this.setOwnKey(slot, text);
    else if (text === this.rangeText || this.ranges === 0) {
      // one string at a time holds ranges: a first page's (a later first page comes after the cache emptied)
      this.rangeText = text;
      this.ranges++;
      this.keyFrom[slot] = from;
      this.keyTo[slot] = to;
    } else this.setOwnKey(slot, text.slice(from, to));
    this.val[slot] = val;
    this.seen[slot] = -1;
    if (this.prevSeenCol !== undefined) this.prevSeenCol[slot] = -1;
    if (this.flagsCol !== undefined) this.flagsCol[slot] = 0;
    this.next[slot] = NO_SLOT;
    this.count++;
    this.byText?.set(this.key(slot), slot);
    return slot;
  }

  /** The page `slot` was last seen on before the current page touched it (-1: never). */
  prevSeen(slot: number): number {
    return this.prevSeenCol === undefined ? -1 : this.prevSeenCol[slot]!;
  }

  setPrevSeen(slot: number, page: number): void {
    if (this.prevSeenCol === undefined) {
      if (page === -1) return;
      this.prevSeenCol = new Int32Array(this.val.length).fill(-1);
    }
    this.prevSeenCol[slot] = page;
  }

  /** The handler flags of `slot` (0 until set). */
  flags(slot: number): number {
    return this.flagsCol === undefined ? 0 : this.flagsCol[slot]!;
  }

  setFlags(slot: number, flags: number): void {
    if (this.flagsCol === undefined) {
      if (flags === 0) return;
      this.flagsCol = new Uint8Array(this.val.length);
    }
    this.flagsCol[slot] = flags;
  }

  private setOwnKey(slot: number, key: string): void {
    const p = slot >>> KEY_PAGE_BITS;
    // the first page as long as the columns (a target of a few series keeps a few), the others whole
    while (this.keyPages.length <= p)
      this.keyPages.push(new Array<string | undefined>(Math.min(KEY_PAGE, this.val.length)));
    this.keyPages[p]![slot & KEY_PAGE_MASK] = key;
    this.keyFrom[slot] = OWN_KEY;
  }

  /** One slot less points into {@link rangeText}; the last one lets it go. */
  private leaveRange(): void {
    if (--this.ranges === 0) this.rangeText = '';
  }

  /**
   * Keeps the series `keep` says to and frees the others (they vanished): a later line with the same text resolves
   * again. A `next` left pointing at a freed or reused slot is harmless: a slot is matched by its text.
   */
  retain(keep: (slot: number) => boolean): void {
    for (let slot = 0; slot < this.end; slot++) {
      const from = this.keyFrom[slot]!;
      if (from === FREE || keep(slot)) continue;
      if (this.byText !== undefined) {
        const key = this.key(slot);
        if (this.byText.get(key) === slot) this.byText.delete(key);
      }
      if (this.keyFrom[slot] === OWN_KEY)
        this.keyPages[slot >>> KEY_PAGE_BITS]![slot & KEY_PAGE_MASK] = undefined;
      else this.leaveRange();
      this.keyFrom[slot] = FREE;
      this.free.push(slot);
      this.count--;
    }
    if (this.count === 0) this.reset();
  }

  clear(): void {
    this.reset();
    this.comments.clear();
    this.types.clear();
    this.lastComments = [];
  }

  /** Forgets every series; a page into an empty cache needs no map (see the class comment). */
  private reset(): void {
    this.keyPages = [];
    this.rangeText = '';
    this.ranges = 0;
    this.end = 0;
    this.count = 0;
    this.free = [];
    this.byText = undefined;
    this.first = NO_SLOT;
    this.prevSeenCol = undefined;
    this.flagsCol = undefined;
  }

  /**
   * Makes room for `count` more slots at once (a first page's series, estimated): the columns grow once, while the
   * cache is still empty, instead of being copied as they fill, every column at once inside one slice.
   */
  reserve(count: number): void {
    if (this.end + count > this.val.length) this.grow(this.end + count);
  }

  private grow(atLeast = 0): void {
    let n = this.val.length * 2;
    while (n < atLeast) n *= 2;
    const int = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.keyFrom = int(this.keyFrom);
    this.keyTo = int(this.keyTo);
    const first = this.keyPages[0];
    if (first !== undefined && first.length < KEY_PAGE) {
      const longer = new Array<string | undefined>(Math.min(KEY_PAGE, n));
      for (let i = 0; i < first.length; i++) longer[i] = first[i];
      this.keyPages[0] = longer;
    }
    this.val = int(this.val);
    this.seen = int(this.seen);
    this.next = int(this.next);
    if (this.prevSeenCol !== undefined) {
      const had = this.prevSeenCol.length;
      this.prevSeenCol = int(this.prevSeenCol);
      this.prevSeenCol.fill(-1, had);
    }
    if (this.flagsCol !== undefined) {
      const f = new Uint8Array(n);
      f.set(this.flagsCol);
      this.flagsCol = f;
    }
  }
}
