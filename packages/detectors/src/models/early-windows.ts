const SHIFT = 10;
const PAGE = 1 << SHIFT;
const MASK = PAGE - 1;

/**
 * Every series' window in one block of pages: slot `k` holds `W` samples of page `k >> 10`, from the index
 * {@link Windows.at} returns, the normal samples it has seen (up to `seenCap`) in `seen[k]` and its next write in
 * `next[k]`. A typed array per series cost ~250 bytes of object and buffer overhead beside its data, for every series
 * a preset watches during its warm-up; pages of 1,024 slots (the first grows by half up to that) never move, so a new
 * series copies no window and leaves at most a page's slots unused, where one array grown by half copied every window
 * at each growth and left up to a third of it unused (at 100,000 series, ~60 bytes per series; issue 13).
 *
 * `order`, from the same index, lists the slot's ring positions by value, ascending (as `Float64Array.prototype.sort`
 * orders: -0 before 0, NaN last), kept up to date on every {@link Windows.push}: judging a sample needs the window's
 * median and MAD, and sorting a copy of the window twice per sample was the largest single cost of the embedded
 * preset while its series warm up (issue 13). One byte per sample while windows are ≤ 256 samples.
 */
export class Windows {
  /** The ring and order page of the slot last passed to {@link Windows.at}: read them after it, never before. */
  ring: Float64Array = new Float64Array(0);
  order: Uint8Array | Uint16Array;
  seen: Uint16Array = new Uint16Array(0);
  next: Uint16Array = new Uint16Array(0);
  private rings: Float64Array[] = [];
  private orders: (Uint8Array | Uint16Array)[] = [];
  /** Per series id: its slot + 1 (0: none). */
  private slotOf: Int32Array = new Int32Array(0);
  private readonly free: number[] = [];
  private used = 0;

  constructor(
    readonly w: number,
    readonly seenCap: number = w,
  ) {
    this.order = this.orderArray(0);
  }

  /** Samples slot `k`'s window holds. */
  kept(k: number): number {
    return Math.min(this.seen[k]!, this.w);
  }

  private orderArray(n: number): Uint8Array | Uint16Array {
    return this.w <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  }

  /** Points `ring` and `order` at slot `k`'s page and returns the index of its window there. */
  at(k: number): number {
    const p = k >> SHIFT;
    this.ring = this.rings[p]!;
    this.order = this.orders[p]!;
    return (k & MASK) * this.w;
  }

  /** Makes room for slot `k` in its page. */
  private room(k: number): void {
    const W = this.w;
    const p = k >> SHIFT;
    const i = k & MASK;
    const ring = this.rings[p];
    const had = ring === undefined ? 0 : ring.length / W;
    if (had > i) return;
    const slots = p > 0 ? PAGE : Math.min(PAGE, Math.max(i + 1, Math.ceil(had * 1.5), 16));
    const r = new Float64Array(slots * W);
    const o = this.orderArray(slots * W);
    if (ring !== undefined) {
      r.set(ring);
      o.set(this.orders[p]!);
    }
    this.rings[p] = r;
    this.orders[p] = o;
  }

  /**
   * Appends `v` to slot `k`'s window, over its oldest sample when the window is full, and keeps `order` sorted: a new
   * position goes in at its place by binary search; a full window's oldest position takes the new value and moves
   * from where it was to where that value sorts (moving only the positions between, where taking it out and putting
   * the new one in moved up to the whole window twice).
   */
  push(k: number, v: number): void {
    const W = this.w;
    const base = this.at(k);
    const r = this.next[k]!;
    const order = this.order;
    const ring = this.ring;
    const seen = this.seen[k]!;
    ring[base + r] = v;
    if (seen >= W) resort(ring, order, base, W, r, v);
    else {
      // first place whose value sorts after v (ties: after the equal ones)
      let lo = 0;
      let hi = seen;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(v, ring[base + order[base + mid]!]!)) hi = mid;
        else lo = mid + 1;
      }
      // (by hand: `copyWithin` costs more than these few bytes for a short window)
      for (let q = base + seen; q > base + lo; q--) order[q] = order[q - 1]!;
      order[base + lo] = r;
    }
    this.next[k] = r + 1 === W ? 0 : r + 1;
    if (seen < this.seenCap) this.seen[k] = seen + 1;
  }

  /** The slot of series `id`, or -1. */
  find(id: number): number {
    return id < this.slotOf.length ? this.slotOf[id]! - 1 : -1;
  }

  /** The slot of series `id`, taken (empty) when it has none. */
  take(id: number): number {
    const have = this.find(id);
    if (have >= 0) return have;
    if (id >= this.slotOf.length) this.slotOf = grow(this.slotOf, id + 1);
    let k = this.free.pop();
    if (k === undefined) {
      k = this.used++;
      if (k >= this.seen.length) this.growSlots(k + 1);
      this.room(k);
    }
    this.seen[k] = 0;
    this.next[k] = 0;
    this.slotOf[id] = k + 1;
    return k;
  }

  release(id: number): void {
    const k = this.find(id);
    if (k < 0) return;
    this.slotOf[id] = 0;
    this.free.push(k);
    // every window released (a preset's series all warm): give the block back, not keep it for good
    if (this.free.length === this.used) this.clear();
  }

  private clear(): void {
    this.ring = new Float64Array(0);
    this.order = this.orderArray(0);
    this.rings = [];
    this.orders = [];
    this.seen = new Uint16Array(0);
    this.next = new Uint16Array(0);
    this.slotOf = new Int32Array(0);
    this.free.length = 0;
    this.used = 0;
  }

  /** Windows in use, and slots the block holds (used or free). */
  get size(): { used: number; slots: number } {
    return { used: this.used - this.free.length, slots: this.seen.length };
  }

  private growSlots(n: number): void {
    const cap = Math.max(n, Math.ceil(this.seen.length * 1.5), 16);
    this.seen = grow(this.seen, cap);
    this.next = grow(this.next, cap);
  }
}

/**
 * Ring position `r` has just taken value `v` in a full window of `n`: moves it from its place in the order to where
 * `v` sorts, shifting the positions between by one. Ties may end in another order than a fresh insert would leave
 * them: equal values are the same bits, so the median and MAD read from the order are too.
 */
function resort(
  ring: Float64Array,
  order: Uint8Array | Uint16Array,
  base: number,
  n: number,
  r: number,
  v: number,
): void {
  let q = base;
  while (order[q] !== r) q++;
  const end = base + n - 1;
  while (q > base && before(v, ring[base + order[q - 1]!]!)) {
    order[q] = order[q - 1]!;
    q--;
  }
  while (q < end && before(ring[base + order[q + 1]!]!, v)) {
    order[q] = order[q + 1]!;
    q++;
  }
  order[q] = r;
}

/** `a` sorts before `b` in `Float64Array.prototype.sort`'s order: ascending, -0 before 0, NaN last. */
function before(a: number, b: number): boolean {
  if (a < b) return true;
  if (Number.isNaN(b)) return !Number.isNaN(a); // NaN after every number
  return a === 0 && b === 0 && 1 / a < 1 / b;
}

function grow<T extends Int32Array | Uint16Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, Math.ceil(a.length * 1.5), 16));
  b.set(a);
  return b;
}
