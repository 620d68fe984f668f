/**
 * Fingerprint → slot, keyed by a 30-bit number taken from the fingerprint's last 8 characters, in an
 * open-addressing table of int32 pairs (number + 1, slot) with linear probing. A `Map` keyed by the strings
 * reads a stored key string on every probe, and those strings lie scattered over the heap; a `Map` keyed by
 * numbers still reads a bucket and then a chained entry elsewhere in its table. Here a probe reads one cache line
 * for most lookups, which is what a new alert among a million active ones costs. A fingerprint whose number is
 * taken (a few hundred of a million alerts) goes to a second map keyed by the whole string; a hit is confirmed
 * against the stored fingerprint.
 */
export class FingerprintIndex {
  /** Pairs: number + 1 (0: empty), slot. At most half full. */
  private tab = new Int32Array(2 * 1024);
  private mask = 1023;
  /** 32 minus log2 of the capacity: {@link home} takes the top bits of its product. */
  private shift = 22;
  private used = 0;
  private readonly byString = new Map<string, number>();
  /** The number and the free position the last `get` found for it (-1: none): `set` then skips a probe. */
  private freeNumber = -1;
  private freeAt = -1;

  constructor(private readonly fps: readonly (string | undefined)[]) {}

  get size(): number {
    return this.used + this.byString.size;
  }

  /** The slot of `fp`, or -1. */
  get(fp: string): number {
    const k = numberOf(fp);
    const tab = this.tab;
    const mask = this.mask;
    this.freeNumber = -1;
    for (let i = home(k, this.shift); ; i = (i + 1) & mask) {
      const e = tab[2 * i]!;
      if (e === 0) {
        this.freeNumber = k;
        this.freeAt = i;
        // the number's holder may have gone while fingerprints sharing it remain in the string map
        return this.byString.size > 0 ? (this.byString.get(fp) ?? -1) : -1;
      }
      if (e === k + 1) {
        const s = tab[2 * i + 1]!;
        if (this.fps[s] === fp) return s;
        return this.byString.size > 0 ? (this.byString.get(fp) ?? -1) : -1;
      }
    }
  }

  /** Adds `fp` (not present) at `slot`; `fps[slot]` must already hold it. */
  set(fp: string, slot: number): void {
    const k = numberOf(fp);
    let at = k === this.freeNumber ? this.freeAt : this.find(k);
    this.freeNumber = -1;
    if (this.tab[2 * at] !== 0) {
      this.byString.set(fp, slot);
      return;
    }
    if (2 * (this.used + 1) > this.mask + 1) {
      this.grow();
      at = this.find(k);
    }
    this.tab[2 * at] = k + 1;
    this.tab[2 * at + 1] = slot;
    this.used++;
  }

  /** Removes `fp`, which is at `slot`. */
  delete(fp: string, slot: number): void {
    const at = this.find(numberOf(fp));
    this.freeNumber = -1;
    if (this.tab[2 * at] === 0 || this.tab[2 * at + 1] !== slot) {
      this.byString.delete(fp);
      return;
    }
    this.used--;
    // backward-shift deletion: later entries of the run move up so that no probe stops early at the hole
    const tab = this.tab;
    const mask = this.mask;
    let hole = at;
    for (let j = (at + 1) & mask; tab[2 * j] !== 0; j = (j + 1) & mask) {
      const h = home(tab[2 * j]! - 1, this.shift);
      // the entry may fill the hole when the hole lies between its home and where it is now
      if (((j - h) & mask) >= ((j - hole) & mask)) {
        tab[2 * hole] = tab[2 * j]!;
        tab[2 * hole + 1] = tab[2 * j + 1]!;
        hole = j;
      }
    }
    tab[2 * hole] = 0;
  }

  /** The position holding number `k`, or the empty one where it would go. */
  private find(k: number): number {
    const tab = this.tab;
    const mask = this.mask;
    let i = home(k, this.shift);
    while (tab[2 * i] !== 0 && tab[2 * i] !== k + 1) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const old = this.tab;
    this.mask = this.mask * 2 + 1;
    this.shift--;
    this.tab = new Int32Array(2 * (this.mask + 1));
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i]!;
      if (e === 0) continue;
      const at = this.find(e - 1);
      this.tab[2 * at] = e;
      this.tab[2 * at + 1] = old[i + 1]!;
    }
  }
}

/** The home position of number `k`: Fibonacci hashing, so that numbers of non-hex fingerprints spread too. */
function home(k: number, shift: number): number {
  return Math.imul(k, 0x9e3779b1) >>> shift;
}

/**
 * A 30-bit number from the last 8 characters: their hex digit values for core's fingerprints (uniform: FNV
 * output), a mix of the character codes for any other string. Non-negative and below 2^30, so a small integer.
 */
function numberOf(fp: string): number {
  let k = 0;
  for (let i = Math.max(0, fp.length - 8); i < fp.length; i++) {
    const c = fp.charCodeAt(i);
    // '0'–'9' → 0–9, 'a'–'f' → 10–15; other characters still mix in
    k = (k << 4) ^ ((c & 0xf) + 9 * (c >> 6));
  }
  return k >>> 2;
}
