import { expectNumbers, fmt, type Model } from '../model.js';
import { growF64 } from '../util/arrays.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../util/score.js';

/** Options of {@link madModel}. */
export interface MadModelOptions {
  /** Samples in the sliding window the median and MAD are taken over. */
  readonly windowSamples: number;
  /** Samples needed before scores are emitted (≤ windowSamples). */
  readonly warmupSamples: number;
  readonly zHalf: number;
  readonly bandSigma: number;
}

/**
 * Median/MAD robust z-score over a sliding window: `|x − median| / (1.4826·MAD)`. The window excludes the
 * current sample (no self-masking). The window is also kept sorted (binary search + one block move per sample), so
 * the median is a lookup and the MAD a merge walk of half the window. Cost: O(window) memory moves per point, no
 * sorting; memory: 2·window + 2 doubles per series.
 */
export function madModel(o: MadModelOptions): Model {
  const w = o.windowSamples;
  let ring = new Float64Array(0) as Float64Array;
  let sorted = new Float64Array(0) as Float64Array;
  let head = new Float64Array(0) as Float64Array; // [next write index, count]
  const ensure = (id: number): void => {
    ring = growF64(ring, (id + 1) * w);
    sorted = growF64(sorted, (id + 1) * w);
    head = growF64(head, (id + 1) * 2);
  };
  return {
    update(id: number, _t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v)) return 0;
      ensure(id);
      const base = id * w;
      const count = head[id * 2 + 1] as number;
      const n = Math.min(count, w);
      if (count >= o.warmupSamples) score(sorted, base, n, v, out, o);
      const at = head[id * 2] as number;
      if (count >= w) remove(sorted, base, n, ring[base + at] as number);
      insert(sorted, base, count >= w ? n - 1 : n, v);
      ring[base + at] = v;
      head[id * 2] = (at + 1) % w;
      head[id * 2 + 1] = count + 1;
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      return `value ${fmt(v)} is ${fmt(out.z)} robust deviations (MAD) from the window median ${fmt(out.expected)}`;
    },
    save(id: number): unknown {
      if ((id + 1) * 2 > head.length || head[id * 2 + 1] === 0) return undefined;
      return {
        head: [head[id * 2], head[id * 2 + 1]],
        ring: Array.from(ring.subarray(id * w, (id + 1) * w)),
      };
    },
    load(id: number, state: unknown): void {
      const st = state as { head?: unknown; ring?: unknown };
      const h = expectNumbers('mad', 'head', st?.head, 2);
      const r = expectNumbers('mad', 'ring', st?.ring, w);
      ensure(id);
      head[id * 2] = h[0] ?? 0;
      head[id * 2 + 1] = h[1] ?? 0;
      for (let i = 0; i < w; i++) ring[id * w + i] = r[i] ?? 0;
      const n = Math.min(h[1] ?? 0, w);
      sorted.set(ring.subarray(id * w, id * w + n), id * w);
      sorted.subarray(id * w, id * w + n).sort();
    },
  };
}

/** First index in `a[b..b+n)` whose value is ≥ `v`. */
function lowerBound(a: Float64Array, b: number, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[b + mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function remove(a: Float64Array, b: number, n: number, v: number): void {
  const i = lowerBound(a, b, n, v);
  a.copyWithin(b + i, b + i + 1, b + n);
}

function insert(a: Float64Array, b: number, n: number, v: number): void {
  const i = lowerBound(a, b, n, v);
  a.copyWithin(b + i + 1, b + i, b + n);
  a[b + i] = v;
}

/** k-th smallest (0-based) distance |x − med| over sorted `a[b..b+n)`: merges the two sides outward from the median. */
function kthDistance(a: Float64Array, b: number, n: number, med: number, k: number): number {
  let r = lowerBound(a, b, n, med);
  let l = r - 1;
  let d = 0;
  for (let c = 0; c <= k; c++) {
    const dl = l >= 0 ? med - (a[b + l] as number) : Number.POSITIVE_INFINITY;
    const dr = r < n ? (a[b + r] as number) - med : Number.POSITIVE_INFINITY;
    if (dl <= dr) {
      d = dl;
      l--;
    } else {
      d = dr;
      r++;
    }
  }
  return d;
}

function score(a: Float64Array, b: number, n: number, v: number, out: PointOut, o: MadModelOptions): void {
  const h = n >> 1;
  const med = n & 1 ? (a[b + h] as number) : ((a[b + h - 1] as number) + (a[b + h] as number)) / 2;
  const mad =
    n & 1
      ? kthDistance(a, b, n, med, h)
      : (kthDistance(a, b, n, med, h - 1) + kthDistance(a, b, n, med, h)) / 2;
  const sd = 1.4826 * mad + scaleFloor(med);
  out.expected = med;
  out.lower = med - o.bandSigma * sd;
  out.upper = med + o.bandSigma * sd;
  out.kind = v >= med ? 'spike' : 'dip';
  out.z = Math.abs(v - med) / sd;
  out.score = scoreFromZ(out.z, o.zHalf);
}
