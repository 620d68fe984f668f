/** The fields the parser keeps on every cached series; callers extend it with their own. */
export interface CacheEntry {
  /** The raw series text (name and label block) as it appears on the page; `''` once evicted. */
  key: string;
  /** The series that followed this one on the last page: checked first, so a steady page needs no hashing. */
  next: CacheEntry | undefined;
}

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

/**
 * Series seen on earlier pages of one target, keyed by raw series text (Prometheus's scrape cache).
 *
 * The map by text is built only when a line is not where the last page had it. A page whose layout does not
 * change is matched line by line through `next` and never needs it, and a first scrape (every series new) would
 * only hash each text twice, for a lookup that misses and an insert: a fifth of its time, and a map entry per
 * series kept for nothing.
 */
export class SeriesCache<E extends CacheEntry> {
  /** Every cached series, in no particular order. */
  entries: E[] = [];
  private byText: Map<string, E> | undefined;
  /** The first series of the last page. */
  first: E | undefined;
  /** HELP/TYPE/UNIT lines by their full text, and those of the last page in order (checked positionally). */
  readonly comments: Map<string, CommentLine> = new Map();
  lastComments: CommentLine[] = [];
  /** TYPE lines by metric name; only those whose `page` is the current page count. */
  readonly types: Map<string, CommentLine> = new Map();
  page = 0;

  get size(): number {
    return this.entries.length;
  }

  /** Whether the map by text exists (else lookups would build it). */
  get indexed(): boolean {
    return this.byText !== undefined;
  }

  /** The cached series with this text, building the map by text on first use. */
  find(text: string): E | undefined {
    if (this.byText === undefined) {
      this.byText = new Map();
      for (const e of this.entries) this.byText.set(e.key, e);
    }
    return this.byText.get(text);
  }

  /** Caches a new series under its `key`. */
  add(entry: E): void {
    this.entries.push(entry);
    this.byText?.set(entry.key, entry);
  }

  /** Keeps the series `keep` says to and forgets the others (they vanished): a later line with the same text resolves again. */
  retain(keep: (entry: E) => boolean): void {
    const kept: E[] = [];
    for (const e of this.entries) {
      if (keep(e)) kept.push(e);
      else {
        if (this.byText?.get(e.key) === e) this.byText.delete(e.key);
        e.key = '';
      }
    }
    this.entries = kept;
    if (kept.length === 0) this.byText = undefined;
  }

  clear(): void {
    for (const e of this.entries) e.key = '';
    this.entries = [];
    // a page into an empty cache needs no map (see the class comment)
    this.byText = undefined;
    this.first = undefined;
    this.comments.clear();
    this.types.clear();
    this.lastComments = [];
  }
}
