/** Slots per page: a page is 256 × 2 × RAW_SAMPLES doubles (64 kB at 16 raw samples). */
const PAGE_BITS = 8;
const PAGE_SLOTS = 1 << PAGE_BITS;

/**
 * The raw samples of every series' head, in one place: fixed slots of `2 × perSlot` doubles ([t0, v0, t1, v1, …])
 * in pages of 256 slots. A series holds a slot while its head has raw samples and gives it back when it ends.
 *
 * A plain `number[]` per series cost its 256 bytes of doubles plus ~48 bytes of array headers, and canonicalised
 * NaN payloads (so a second array kept them); a `Float64Array` per series would cost ~150 bytes of object and
 * `ArrayBuffer` on top. Slots cost only their doubles, keep every float bit for bit, and pages grow by one at a time.
 */
export class RawSlab {
  /** Pages of slots; slot `i` is `pages[i >>> 8]` from `(i & 255) × 2 × perSlot`. */
  readonly pages: Float64Array[] = [];
  private readonly freed: number[] = [];
  private next = 0;

  constructor(readonly perSlot: number) {}

  /** A free slot (its old contents are left: the holder writes before it reads). */
  alloc(): number {
    const reused = this.freed.pop();
    if (reused !== undefined) return reused;
    const slot = this.next++;
    if (slot >>> PAGE_BITS === this.pages.length)
      this.pages.push(new Float64Array(PAGE_SLOTS * 2 * this.perSlot));
    return slot;
  }

  /** Gives a slot back for another series. */
  release(slot: number): void {
    this.freed.push(slot);
  }

  /** The page holding `slot`. */
  page(slot: number): Float64Array {
    return this.pages[slot >>> PAGE_BITS]!;
  }

  /** Where `slot`'s first timestamp is in its page. */
  offset(slot: number): number {
    return (slot & (PAGE_SLOTS - 1)) * 2 * this.perSlot;
  }

  /** Bytes of the pages (allocated slots and spare ones). */
  get bytes(): number {
    return this.pages.length * PAGE_SLOTS * 2 * this.perSlot * 8;
  }
}
