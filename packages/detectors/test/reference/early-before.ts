// The early check as it was before its window went from 32 samples to 16 and its full windows re-sorted in place
// (issue 13, branch h/early13), kept unchanged so test/early.test.ts can compare verdicts with it.
import { expectNumbers, fmt, type Model } from '../../src/model.js';
import type { PointOut } from '../../src/util/score.js';

/** Options of {@link earlyModel}. */
export interface EarlyModelOptions {
  /** Most recent normal samples kept per series (the baseline's median and MAD are taken over them). */
  readonly windowSamples: number;
  /** Samples seen before anything scores: below this, a median says too little. */
  readonly minSamples: number;
  /** A value counts as gross only this many times the median away from it, up (×) or down (÷). */
  readonly minRatio: number;
  /** …and only this many robust deviations (1.4826·MAD) from it, so a noisy series is not judged by ratio alone. */
  readonly minZ: number;
  /** Confidence is `n / (n + confidenceSamples)` after `n` samples: it grows as history builds. */
  readonly confidenceSamples: number;
}

/**
 * Defaults: a 100× value scores ≥ 0.5 from the 5th sample, a 20× one from the 12th; under 10× never (an order of
 * magnitude is what "gross" means here: bursty series such as GC pauses swing several-fold in normal operation).
 */
export const EARLY_DEFAULTS: EarlyModelOptions = {
  windowSamples: 32,
  minSamples: 5,
  minRatio: 10,
  minZ: 6,
  confidenceSamples: 4,
};

const SHIFT = 10;
const PAGE = 1 << SHIFT;
const MASK = PAGE - 1;

/**
 * Every series' window in one block of pages: slot `k` holds `W` samples of page `k >> 10`, from the index
 * {@link Windows.at} returns, its count in `kept[k]` and next write in `next[k]`. A typed array per series cost ~250
 * bytes of object and buffer overhead beside its 256 bytes of data, for every series a preset watches during its
 * warm-up; pages of 1,024 slots (the first grows by half up to that) never move, so a new series copies no window
 * and leaves at most a page's slots unused, where one array grown by half copied every window at each growth and
 * left up to a third of it unused (at 100,000 series, ~60 bytes per series; issue 13).
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
  kept: Int32Array = new Int32Array(0);
  next: Int32Array = new Int32Array(0);
  private rings: Float64Array[] = [];
  private orders: (Uint8Array | Uint16Array)[] = [];
  /** Per series id: its slot + 1 (0: none). */
  private slotOf: Int32Array = new Int32Array(0);
  private readonly free: number[] = [];
  private used = 0;

  constructor(readonly w: number) {
    this.order = this.orderArray(0);
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
   * Appends `v` to slot `k`'s window, over its oldest sample when the window is full, and keeps `order` sorted:
   * the leaving position is taken out and the new one put in at its place by binary search (moving at most `W`
   * bytes, where a sort is `W log W` comparisons).
   */
  push(k: number, v: number): void {
    const W = this.w;
    const base = this.at(k);
    const r = this.next[k]!;
    const order = this.order;
    const ring = this.ring;
    let n = this.kept[k]!;
    if (n === W) {
      // full: position r holds the oldest sample; close the gap it leaves in the order
      let q = base;
      while (order[q] !== r) q++;
      for (const end = base + n - 1; q < end; q++) order[q] = order[q + 1]!;
      n--;
    }
    ring[base + r] = v;
    // first place whose value sorts after v (ties: after the equal ones)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(v, ring[base + order[base + mid]!]!)) hi = mid;
      else lo = mid + 1;
    }
    // (by hand: `copyWithin` costs more than these few bytes for a 32-sample window)
    for (let q = base + n; q > base + lo; q--) order[q] = order[q - 1]!;
    order[base + lo] = r;
    this.next[k] = (r + 1) % W;
    this.kept[k] = n + 1;
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
      if (k >= this.kept.length) this.growSlots(k + 1);
      this.room(k);
    }
    this.kept[k] = 0;
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
    this.kept = new Int32Array(0);
    this.next = new Int32Array(0);
    this.slotOf = new Int32Array(0);
    this.free.length = 0;
    this.used = 0;
  }

  /** Windows in use, and slots the block holds (used or free). */
  get size(): { used: number; slots: number } {
    return { used: this.used - this.free.length, slots: this.kept.length };
  }

  private growSlots(n: number): void {
    const cap = Math.max(n, Math.ceil(this.kept.length * 1.5), 16);
    this.kept = grow(this.kept, cap);
    this.next = grow(this.next, cap);
  }
}

/** `a` sorts before `b` in `Float64Array.prototype.sort`'s order: ascending, -0 before 0, NaN last. */
function before(a: number, b: number): boolean {
  if (a < b) return true;
  if (Number.isNaN(b)) return !Number.isNaN(a); // NaN after every number
  return a === 0 && b === 0 && 1 / a < 1 / b;
}

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(Math.max(n, Math.ceil(a.length * 1.5), 16));
  b.set(a);
  return b;
}

/**
 * A detector for the first minutes of a series, while the ensemble still learns: compares each value with the
 * median of the few normal samples seen so far, and flags only gross departures (≥ `minRatio` × or ÷ the
 * median and ≥ `minZ` robust deviations from it). The score is a confidence, `n/(n+confidenceSamples)` × how far
 * past the threshold the value lies, so one sample more of history makes the same value score higher. Flagged
 * values are kept out of the baseline, so an incident keeps scoring until it ends. A series whose baseline is all
 * zeros has no scale to judge by and scores 0. Memory: `windowSamples` doubles per series (in one shared block) until
 * {@link EarlyModel.release} drops it.
 */
export interface EarlyModel extends Model {
  /** Forgets series `id` (e.g. once the ensemble scores it), freeing its window. */
  release(id: number): void;
}

/** Creates an {@link EarlyModel}; options default to {@link EARLY_DEFAULTS}. */
export function earlyModel(options: Partial<EarlyModelOptions> = {}): EarlyModel {
  const o = { ...EARLY_DEFAULTS, ...options };
  const W = o.windowSamples;
  const win = new Windows(W);
  const scratch = new Float64Array(W);
  return {
    update(id, _t, v, out) {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v)) return 0;
      const k = win.take(id);
      const kept = win.kept[k]!;
      if (kept >= o.minSamples) judge(win, k, v, out, o, scratch);
      // a flagged value stays out of the baseline: an incident must not become the normal it is judged by
      if (out.score === 0) win.push(k, v);
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      const med = out.expected;
      const times = med !== 0 && v / med > 0 ? Math.max(v / med, med / v) : Number.POSITIVE_INFINITY;
      const how = Number.isFinite(times) ? `${fmt(times)}× ${v > med ? 'above' : 'below'}` : 'far from';
      return `value ${fmt(v)} is ${how} the median ${fmt(med)} of the samples seen so far (early check while the ensemble learns)`;
    },
    save(id) {
      const k = win.find(id);
      const kept = k < 0 ? 0 : win.kept[k]!;
      if (kept === 0) return undefined;
      const base = win.at(k);
      const values: number[] = [];
      for (let i = 0; i < kept; i++) values.push(win.ring[base + ((win.next[k]! - kept + i + W) % W)]!);
      return { values };
    },
    load(id, state) {
      const values = expectNumbers('early', 'values', (state as { values?: unknown } | null)?.values);
      win.release(id);
      const k = win.take(id);
      for (const v of values.slice(-W)) win.push(k, v ?? Number.NaN);
    },
    release(id) {
      win.release(id);
    },
  };
}

/**
 * Judges `v` against slot `k`'s kept samples. The median and MAD come from the window's sorted order: the
 * deviations from the median grow outwards from it on both sides, so their median is found by merging the two
 * sides up to the middle, with the same arithmetic (and so the same bits) as sorting the deviations. A window
 * holding a non-finite value (only a snapshot can bring one) takes the sorting path.
 */
function judge(
  win: Windows,
  k: number,
  v: number,
  out: PointOut,
  o: EarlyModelOptions,
  scratch: Float64Array,
): void {
  const base = win.at(k);
  const n = win.kept[k]!;
  const ring = win.ring;
  const order = win.order;
  const last = base + n - 1;
  const h = n >> 1;
  // (an empty window, with minSamples 0, has no median: NaN, as the median of an empty sorted copy was)
  const mid = n === 0 ? Number.NaN : ring[base + order[base + h]!]!;
  const med = n % 2 === 1 || n === 0 ? mid : (ring[base + order[base + h - 1]!]! + mid) / 2;
  let mad: number;
  if (
    Number.isFinite(med) &&
    Number.isFinite(ring[base + order[base]!]!) &&
    Number.isFinite(ring[base + order[last]!]!)
  ) {
    // left side: positions below the middle, deviations growing downwards; right side: the middle and up, growing
    // upwards. Take the h + 1 smallest deviations in order: the last one (or the mean of the last two) is the MAD.
    let i = base + h - 1;
    let j = base + h;
    let prev = 0;
    let cur = 0;
    for (let c = 0; c <= h; c++) {
      prev = cur;
      if (i < base) cur = Math.abs(ring[base + order[j++]!]! - med);
      else if (j > last) cur = Math.abs(ring[base + order[i--]!]! - med);
      else {
        const dl = Math.abs(ring[base + order[i]!]! - med);
        const dr = Math.abs(ring[base + order[j]!]! - med);
        if (dl <= dr) {
          cur = dl;
          i--;
        } else {
          cur = dr;
          j++;
        }
      }
    }
    mad = n % 2 === 1 ? cur : (prev + cur) / 2;
  } else {
    const w = scratch.subarray(0, n);
    for (let i = 0; i < n; i++) w[i] = Math.abs(ring[base + i]! - med);
    w.sort();
    mad = median(w);
  }
  const scale = 1.4826 * mad;
  out.expected = med;
  const up = Math.max(o.minZ * scale, (o.minRatio - 1) * Math.abs(med));
  const down = Math.max(o.minZ * scale, (1 - 1 / o.minRatio) * Math.abs(med));
  out.upper = med + up;
  out.lower = med - down;
  // all-zero baseline: no scale, no ratio; any non-zero value would look infinitely far
  if (up === 0) return;
  const above = v > med;
  const dev = Math.abs(v - med);
  const allowed = above ? up : down;
  out.z = scale > 0 ? dev / scale : Number.POSITIVE_INFINITY;
  out.kind = above ? 'spike' : 'dip';
  if (dev < allowed) return;
  const past = dev / allowed; // 1 at the threshold
  out.score = (n / (n + o.confidenceSamples)) * (past / (past + 1));
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
