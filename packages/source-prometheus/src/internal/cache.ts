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

/** Series seen on earlier pages of one target, keyed by raw series text (Prometheus's scrape cache). */
export class SeriesCache<E extends CacheEntry> {
  readonly map: Map<string, E> = new Map();
  /** The first series of the last page. */
  first: E | undefined;
  /** HELP/TYPE/UNIT lines by their full text, and those of the last page in order (checked positionally). */
  readonly comments: Map<string, CommentLine> = new Map();
  lastComments: CommentLine[] = [];
  /** TYPE lines by metric name; only those whose `page` is the current page count. */
  readonly types: Map<string, CommentLine> = new Map();
  page = 0;

  /** Forgets a series (it vanished); a later line with the same text resolves it again. */
  evict(entry: E): void {
    this.map.delete(entry.key);
    entry.key = '';
  }

  clear(): void {
    for (const e of this.map.values()) e.key = '';
    this.map.clear();
    this.first = undefined;
    this.comments.clear();
    this.types.clear();
    this.lastComments = [];
  }
}
