/** Bytes of a shared page; a chunk larger than this gets a page of its own size. */
const PAGE_BYTES = 65_536;

/**
 * The bytes of every sealed chunk of a store, appended one after the other into shared pages of 64 kB, as
 * Prometheus's head chunks are mapped into segment files: a chunk is a page number, an offset and a length, not an
 * array of its own. A `Uint8Array` per chunk cost ~200–300 bytes of object, `ArrayBuffer` and backing store for
 * ~190 bytes of data (120 samples of a gauge with two decimals).
 *
 * Chunks are only ever appended; a page counts the bytes of its chunks still in use and is dropped when that
 * reaches 0. Retention drops chunks oldest first, and a store's series seal in lockstep, so the pages written
 * first empty first. The page being filled is kept (and written from its start again once it is empty).
 */
export class ChunkPages {
  private readonly pages: (Uint8Array | undefined)[] = [];
  /** Bytes of each page still held by chunks. */
  private readonly live: number[] = [];
  private readonly freePages: number[] = [];
  /** The page being filled (-1: none yet) and the first free byte in it. */
  private current = -1;
  private used = 0;
  /** Bytes held in pages (for the store's byte estimate). */
  bytes = 0;

  /**
   * Room for `len` bytes: returns the page number, with the offset in {@link at} (valid until the next call; the
   * caller writes the chunk there at once).
   */
  reserve(len: number): number {
    if (len > PAGE_BYTES) return this.ownPage(len);
    if (this.current < 0 || this.used + len > PAGE_BYTES) this.startPage();
    const p = this.current;
    this.at = this.used;
    this.used += len;
    this.live[p]! += len;
    return p;
  }

  /** Offset of the room the last {@link reserve} gave. */
  at = 0;

  /** The bytes of page `p`. */
  page(p: number): Uint8Array {
    return this.pages[p]!;
  }

  /** Gives back `len` bytes of page `p` (a chunk dropped); the page goes when nothing in it is used any more. */
  release(p: number, len: number): void {
    this.live[p]! -= len;
    if (this.live[p]! > 0) return;
    if (p === this.current) {
      this.used = 0;
      return;
    }
    this.bytes -= this.pages[p]!.length;
    this.pages[p] = undefined;
    this.freePages.push(p);
  }

  private startPage(): void {
    this.current = this.newPage(PAGE_BYTES);
    this.used = 0;
  }

  private ownPage(len: number): number {
    const p = this.newPage(len);
    this.at = 0;
    this.live[p] = len;
    return p;
  }

  private newPage(len: number): number {
    const p = this.freePages.pop() ?? this.pages.length;
    this.pages[p] = new Uint8Array(len);
    this.live[p] = 0;
    this.bytes += len;
    return p;
  }
}
