/**
 * Fingerprint → slot, keyed by a 30-bit number taken from the fingerprint's last 8 characters. A `Map` keyed by the
 * strings themselves reads a stored key string on every probe, and those strings lie scattered over the heap: with
 * 100,000 alerts and more, most probes then miss the CPU caches. Number keys live inside the map's own table, so
 * a miss (a new alert) reads nothing else. A fingerprint whose number is taken (a few hundred of a million
 * alerts) goes to a second map keyed by the whole string; a hit is confirmed against the stored fingerprint.
 */
export class FingerprintIndex {
  private readonly byNumber = new Map<number, number>();
  private readonly byString = new Map<string, number>();
  /** The number of the last `get` that found it free: `set` of the same fingerprint then skips a probe. */
  private freeNumber = -1;

  constructor(private readonly fps: readonly (string | undefined)[]) {}

  get size(): number {
    return this.byNumber.size + this.byString.size;
  }

  /** The slot of `fp`, or -1. */
  get(fp: string): number {
    const k = numberOf(fp);
    const s = this.byNumber.get(k);
    this.freeNumber = s === undefined ? k : -1;
    if (s !== undefined && this.fps[s] === fp) return s;
    return this.byString.size > 0 ? (this.byString.get(fp) ?? -1) : -1;
  }

  /** Adds `fp` (not present) at `slot`; `fps[slot]` must already hold it. */
  set(fp: string, slot: number): void {
    const k = numberOf(fp);
    if (k !== this.freeNumber && this.byNumber.has(k)) this.byString.set(fp, slot);
    else this.byNumber.set(k, slot);
    this.freeNumber = -1;
  }

  /** Removes `fp`, which is at `slot`. */
  delete(fp: string, slot: number): void {
    const k = numberOf(fp);
    if (this.byNumber.get(k) === slot) this.byNumber.delete(k);
    else this.byString.delete(fp);
  }
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
