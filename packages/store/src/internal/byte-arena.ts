/** Size classes: slots of 16 << c bytes, c < CLASSES (16 bytes to 1 GB). */
const CLASSES = 27;
const SMALLEST_BITS = 4;
/** Bytes of one page of small slots; a slot bigger than this gets a page of its own. */
const PAGE_BYTES = 1 << 16;

/**
 * Byte strings of every series' open chunk, in one place: slots of 16, 32, 64, … bytes, in 64 kB pages per size,
 * with a free list per size. A reference is one number (`slot × 32 + class`).
 *
 * Each open chunk in its own `Uint8Array` cost ~250 bytes of heap for ~45 bytes of data (the typed array, its
 * `ArrayBuffer` object and the bytes' own header); a slot costs its bytes rounded up to a power of two.
 */
export class ByteArena {
  private readonly pages: Uint8Array[][] = Array.from({ length: CLASSES }, () => []);
  private readonly freed: number[][] = Array.from({ length: CLASSES }, () => []);
  private readonly next: number[] = new Array<number>(CLASSES).fill(0);

  /** Stores `bytes` in a free slot that fits it; returns its reference. */
  put(bytes: Uint8Array): number {
    const c = classOf(bytes.length);
    const ref = this.alloc(c);
    const { page, at } = this.where(ref);
    page.set(bytes, at);
    return ref;
  }

  /** The `length` bytes at `ref`, as a view (valid until the slot is released). */
  view(ref: number, length: number): Uint8Array {
    const { page, at } = this.where(ref);
    return page.subarray(at, at + length);
  }

  /** Gives a slot back. */
  release(ref: number): void {
    this.freed[ref % 32]!.push(Math.floor(ref / 32));
  }

  /** Bytes of the pages (used slots and spare ones). */
  get bytes(): number {
    let b = 0;
    for (const ps of this.pages) for (const p of ps) b += p.length;
    return b;
  }

  private alloc(c: number): number {
    const reused = this.freed[c]!.pop();
    if (reused !== undefined) return reused * 32 + c;
    const slot = this.next[c]!;
    this.next[c] = slot + 1;
    const perPage = slotsPerPage(c);
    if (slot % perPage === 0) this.pages[c]!.push(new Uint8Array(perPage << (c + SMALLEST_BITS)));
    return slot * 32 + c;
  }

  private where(ref: number): { page: Uint8Array; at: number } {
    const c = ref % 32;
    const slot = Math.floor(ref / 32);
    const perPage = slotsPerPage(c);
    return { page: this.pages[c]![Math.floor(slot / perPage)]!, at: (slot % perPage) << (c + SMALLEST_BITS) };
  }
}

function slotsPerPage(c: number): number {
  return Math.max(1, PAGE_BYTES >>> (c + SMALLEST_BITS));
}

/** The smallest class whose slots hold `n` bytes. */
function classOf(n: number): number {
  let c = 0;
  while (c < CLASSES - 1 && 1 << (c + SMALLEST_BITS) < n) c++;
  return c;
}
