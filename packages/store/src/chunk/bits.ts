/**
 * Bit-level writer over 32-bit words. Bits are packed MSB-first within each word, so a chunk's bytes
 * read in order are the same stream the Gorilla paper draws. `n` is at most 32 per call.
 */
export class BitWriter {
  words: Uint32Array;
  /** Index of the word being filled. */
  private w = 0;
  /** Free bits left in `words[w]` (32 = empty). */
  private free = 32;

  constructor(capacityWords = 64) {
    this.words = new Uint32Array(Math.max(2, capacityWords));
  }

  /**
   * Points the writer at `bitPos` of another word buffer (a head's slot in a shared page), to append after the bits
   * already there. The words past `bitPos` must be zero; the caller keeps room (it never grows a page it does not own).
   */
  attach(words: Uint32Array, bitPos: number): void {
    this.words = words;
    this.w = bitPos >>> 5;
    this.free = 32 - (bitPos & 31);
  }

  /** Empties the writer, keeping its buffer (encoders reuse one writer). */
  reset(): void {
    this.words.fill(0, 0, this.w + 1);
    this.w = 0;
    this.free = 32;
  }

  /** Number of bits written so far. */
  get bitLength(): number {
    return this.w * 32 + (32 - this.free);
  }

  /** Appends the low `n` bits of `value` (0 ≤ n ≤ 32). */
  write(value: number, n: number): void {
    if (n === 0) return;
    if (this.w + 1 >= this.words.length) this.grow();
    const v = n === 32 ? value >>> 0 : (value & ((1 << n) - 1)) >>> 0;
    if (n <= this.free) {
      this.free -= n;
      this.words[this.w] = (this.words[this.w]! | (v << this.free)) >>> 0;
      if (this.free === 0) {
        this.w++;
        this.free = 32;
      }
      return;
    }
    const spill = n - this.free;
    this.words[this.w] = (this.words[this.w]! | (v >>> spill)) >>> 0;
    this.w++;
    this.free = 32 - spill;
    this.words[this.w] = (v << this.free) >>> 0;
  }

  /** Appends one bit. */
  bit(b: number): void {
    this.write(b, 1);
  }

  /** Appends a 64-bit quantity given as its high and low 32-bit halves. */
  write64(hi: number, lo: number): void {
    this.write(hi, 32);
    this.write(lo, 32);
  }

  /** Number of whole bytes the stream takes. */
  get byteLength(): number {
    return Math.ceil(this.bitLength / 8);
  }

  /** Copies the stream as big-endian bytes into `out` at `offset`. */
  copyTo(out: Uint8Array, offset: number): void {
    const n = this.byteLength;
    const words = this.words;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const x = words[i >>> 2]!;
      out[offset + i] = x >>> 24;
      out[offset + i + 1] = (x >>> 16) & 0xff;
      out[offset + i + 2] = (x >>> 8) & 0xff;
      out[offset + i + 3] = x & 0xff;
    }
    for (; i < n; i++) out[offset + i] = (words[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  }

  /** The written stream as big-endian bytes, trimmed to whole bytes. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.copyTo(out, 0);
    return out;
  }

  private grow(): void {
    const next = new Uint32Array(this.words.length * 2);
    next.set(this.words);
    this.words = next;
  }
}

/** The words of every empty reader: never written (a reader only reads), all zero. */
const NO_WORDS = new Uint32Array(1);

/**
 * Reads what {@link BitWriter} wrote, from its big-endian bytes. Reading past the end yields zeros. One reader can
 * be pointed at stream after stream ({@link load}, {@link attach}): decoders keep one per module instead of making
 * one per chunk or head read (10,000 of them per instant query over 10,000 series).
 */
export class BitReader {
  private words: Uint32Array;
  private w = 0;
  private used = 0;
  /** Words this reader owns and refills in `load` (grown to the largest stream loaded). */
  private own: Uint32Array = NO_WORDS;
  /** Words of `own` a load may have left non-zero: the next, shorter load clears them (reads past its end are 0). */
  private dirty = 0;

  constructor(bytes: Uint8Array, byteOffset = 0, byteLength: number = bytes.length - byteOffset) {
    this.words = NO_WORDS;
    // an empty reader (one kept to be loaded or attached later) shares one word
    if (byteLength > 0) this.load(bytes, byteOffset, byteLength);
  }

  /** Points the reader at `words` from word `wordOffset`, without copying (a head's slot in a shared page). */
  attach(words: Uint32Array, wordOffset: number): void {
    this.words = words;
    this.w = wordOffset;
    this.used = 0;
  }

  /** Points the reader at the start of `bytes` [byteOffset, byteOffset + byteLength), copied into its own words. */
  load(bytes: Uint8Array, byteOffset = 0, byteLength: number = bytes.length - byteOffset): void {
    const nw = Math.ceil(byteLength / 4) + 1;
    if (this.own.length < nw) {
      this.own = new Uint32Array(Math.max(nw, 2 * this.own.length));
      this.dirty = 0;
    }
    const words = this.own;
    const whole = byteLength >>> 2;
    // the whole words are overwritten below; the partial one is or-ed into, and the rest must read as zeros
    words.fill(0, whole, Math.max(nw, this.dirty));
    this.dirty = nw;
    this.words = words;
    this.w = 0;
    this.used = 0;
    // four bytes per word in one store (a byte at a time, or-ing into the word, took a tenth of a range query's
    // decoding); the last, partial word byte by byte
    let o = byteOffset;
    for (let j = 0; j < whole; j++, o += 4)
      words[j] = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
    for (let i = whole * 4; i < byteLength; i++)
      words[i >>> 2] = (words[i >>> 2]! | (bytes[byteOffset + i]! << (24 - 8 * (i & 3)))) >>> 0;
  }

  /**
   * Reads a unary prefix: 1 bits up to `max` of them, and the 0 that ends the run when it is shorter; returns
   * how many 1 bits. The same bits as `read(1)` in a loop, but a run within the current word is counted with one
   * `Math.clz32` (every integer of a chunk starts with such a prefix).
   */
  ones(max: number): number {
    const used = this.used;
    const avail = 32 - used;
    // the unread bits of the current word at its top; the complement's leading zeros are the run of ones
    const k = Math.clz32(~((this.words[this.w] ?? 0) << used));
    if (k < max && k < avail) {
      this.take(used + k + 1);
      return k;
    }
    if (k >= max && max <= avail) {
      this.take(used + max);
      return max;
    }
    let b = 0;
    while (b < max && this.read(1) === 1) b++;
    return b;
  }

  /** Moves to bit `to` of the current word (32: the start of the next). */
  private take(to: number): void {
    if (to === 32) {
      this.w++;
      this.used = 0;
    } else this.used = to;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number. */
  read(n: number): number {
    if (n === 0) return 0;
    const avail = 32 - this.used;
    const cur = this.words[this.w] ?? 0;
    if (n < avail) {
      const v = (cur << this.used) >>> (32 - n);
      this.used += n;
      return v;
    }
    if (n === avail) {
      const v = this.used === 0 ? cur : (cur << this.used) >>> this.used;
      this.w++;
      this.used = 0;
      return v >>> 0;
    }
    const rest = n - avail;
    const hi = avail === 0 ? 0 : (cur << this.used) >>> this.used;
    this.w++;
    const next = this.words[this.w] ?? 0;
    this.used = rest;
    return (hi * 2 ** rest + (next >>> (32 - rest))) >>> 0;
  }

  /** Reads one bit. */
  bit(): number {
    return this.read(1);
  }
}
