/** Words (of 32 bits) in a page: 64 kB. A class whose slot is larger gets pages of one slot. */
const PAGE_WORDS = 16_384;
/** Slot indexes a handle holds below its page number (the smallest class has 2048 slots a page). */
const SLOT_BITS = 12;
/**
 * Spare words after a page's last slot: a {@link BitWriter} attached to a page checks for room one word ahead, and
 * must never grow (copy) a shared page.
 */
const PAD_WORDS = 2;
/** Length of a page shared by the slots of one class (a larger slot gets a page of its own size). */
const SHARED_PAGE = PAGE_WORDS + PAD_WORDS;
/**
 * Emptied pages kept for reuse: a head moving to a larger slot takes its new page before it gives its old one back,
 * so a head filled alone needs two (the one it moves into, and the one the head after it starts in).
 */
const SPARE_PAGES = 2;

/** Slot size of a class in words: 8, 12, 16, 24, 32, 48, … (steps of ×1.5 and ×4/3, so a slot wastes < 1/3). */
export function classWords(c: number): number {
  return (c & 1 ? 12 : 8) << (c >>> 1);
}

/**
 * The open (head) chunks of every series of a store, in shared pages: slots of a few size classes, a page per class
 * at a time. A head that outgrows its slot moves to a slot of the next class; a page whose slots are all free is
 * dropped at once (the series of a registry fill their heads in lockstep, so a class they have all left would
 * otherwise keep a slot per series), and its number is reused.
 *
 * Up to two emptied pages of the shared size are kept as spares (while any head holds a page) and given to the next
 * classes that need a page. A head filled alone (a store loading its snapshot series by series, a store of few series)
 * leaves a page empty at every move to the next class and needs a new one at once: without spares, opening a
 * store of 11,550 series allocated and zeroed 11,001 pages of 64 kB (720 MB) where 9 now do.
 *
 * A `Uint8Array` per head cost ~150–250 bytes of object, `ArrayBuffer` and backing store for ~45 bytes of data.
 * A handle is `page << 12 | slot`.
 */
export class HeadArena {
  private readonly pages: (Uint32Array | undefined)[] = [];
  private readonly pageClass: number[] = [];
  private readonly live: number[] = [];
  /** Next never-used slot of each page. */
  private readonly bump: number[] = [];
  /** Freed slots of each page. */
  private readonly freeSlots: number[][] = [];
  /** Pages of each class with a slot to give. */
  private readonly open: number[][] = [];
  private readonly freePages: number[] = [];
  /** Emptied pages of {@link SHARED_PAGE} words kept for the next classes that need one (their slots unused). */
  private readonly spares: Uint32Array[] = [];
  private pagesInUse = 0;
  /** Words held in pages, spares included (for the store's byte estimate). */
  words = 0;

  /** A zeroed slot of class `c`. */
  alloc(c: number): number {
    const size = classWords(c);
    const perPage = Math.max(1, Math.floor(PAGE_WORDS / size));
    const pagesOfClass = (this.open[c] ??= []);
    let p = pagesOfClass[pagesOfClass.length - 1];
    if (p === undefined) {
      p = this.newPage(c, perPage * size);
      pagesOfClass.push(p);
    }
    const freed = this.freeSlots[p]!;
    const slot = freed.length > 0 ? freed.pop()! : this.bump[p]!++;
    if (++this.live[p]! === perPage) pagesOfClass.pop();
    const words = this.pages[p]!;
    words.fill(0, slot * size, slot * size + size);
    return (p << SLOT_BITS) | slot;
  }

  /** Gives a slot back; its page goes when it was the last one in use. */
  release(h: number): void {
    const p = h >>> SLOT_BITS;
    const c = this.pageClass[p]!;
    const size = classWords(c);
    const perPage = Math.max(1, Math.floor(PAGE_WORDS / size));
    const pagesOfClass = this.open[c]!;
    if (this.live[p] === perPage) pagesOfClass.push(p);
    if (--this.live[p]! > 0) {
      this.freeSlots[p]!.push(h & ((1 << SLOT_BITS) - 1));
      return;
    }
    pagesOfClass.splice(pagesOfClass.lastIndexOf(p), 1);
    const words = this.pages[p]!;
    this.pagesInUse--;
    // the slots are zeroed as they are handed out (`alloc`), so a spare needs no clearing; when the last head
    // goes, nothing is kept
    if (this.spares.length < SPARE_PAGES && words.length === SHARED_PAGE && this.pagesInUse > 0)
      this.spares.push(words);
    else this.words -= words.length;
    if (this.pagesInUse === 0) for (const spare of this.spares.splice(0)) this.words -= spare.length;
    this.pages[p] = undefined;
    this.freeSlots[p] = [];
    this.freePages.push(p);
  }

  /** The page holding handle `h`. */
  page(h: number): Uint32Array {
    return this.pages[h >>> SLOT_BITS]!;
  }

  /** Where handle `h`'s slot starts in its page, in words. */
  offset(h: number): number {
    return (h & ((1 << SLOT_BITS) - 1)) * classWords(this.pageClass[h >>> SLOT_BITS]!);
  }

  private newPage(c: number, words: number): number {
    const p = this.freePages.pop() ?? this.pages.length;
    // every class whose slots fit a page shares one page size, so a spare fits any of them
    const shared = words <= PAGE_WORDS;
    const spare = shared ? this.spares.pop() : undefined;
    if (spare) this.pages[p] = spare;
    else {
      const size = shared ? SHARED_PAGE : words + PAD_WORDS;
      this.pages[p] = new Uint32Array(size);
      this.words += size;
    }
    this.pagesInUse++;
    this.pageClass[p] = c;
    this.live[p] = 0;
    this.bump[p] = 0;
    this.freeSlots[p] = [];
    return p;
  }
}
