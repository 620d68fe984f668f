/**
 * Fixed-size blocks of 32-bit floats, handed out on demand and never moved: block `k` lives in `page(k)` from
 * `offset(k)`. Pages hold `2 ** shift` blocks (the first grows by half up to that, so a few series cost a few blocks),
 * so growing never copies more than the first page and leaves at most one page partly unused, where one array
 * grown by half could leave a third of it.
 */
export class BlockPool {
  private readonly pages: Float32Array[] = [];
  private count = 0;
  private readonly perPage: number;
  private readonly mask: number;

  constructor(
    readonly size: number,
    private readonly shift = 9,
  ) {
    this.perPage = 1 << shift;
    this.mask = this.perPage - 1;
  }

  /** Blocks handed out so far. */
  get blocks(): number {
    return this.count;
  }

  /** A new block, all zeros. May replace the first page: read pages after allocating, never before. */
  alloc(): number {
    const k = this.count++;
    const p = k >> this.shift;
    if (p === this.pages.length) {
      this.pages.push(new Float32Array((p === 0 ? 8 : this.perPage) * this.size));
    } else if (p === 0 && (k + 1) * this.size > (this.pages[0] as Float32Array).length) {
      const first = this.pages[0] as Float32Array;
      const grown = new Float32Array(
        Math.min(this.perPage, Math.ceil((first.length / this.size) * 1.5)) * this.size,
      );
      grown.set(first);
      this.pages[0] = grown;
    }
    return k;
  }

  /** The page holding block `k`. */
  page(k: number): Float32Array {
    return this.pages[k >> this.shift] as Float32Array;
  }

  /** Where block `k` starts in its page. */
  offset(k: number): number {
    return (k & this.mask) * this.size;
  }
}
