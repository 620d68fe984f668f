import { expectNumbers, fmt, type Model } from '../model.js';
import { growF64, median } from '../util/arrays.js';
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
 * current sample (no self-masking). Cost: O(window) per point (quickselect); memory: window + 2 doubles per series.
 */
export function madModel(o: MadModelOptions): Model {
  const w = o.windowSamples;
  let ring = new Float64Array(0) as Float64Array;
  let head = new Float64Array(0) as Float64Array; // [next write index, count]
  const scratch = new Float64Array(w);
  const ensure = (id: number): void => {
    ring = growF64(ring, (id + 1) * w);
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
      if (count >= o.warmupSamples) score(ring.subarray(base, base + Math.min(count, w)), v, out, o, scratch);
      const at = head[id * 2] as number;
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
    },
  };
}

function score(win: Float64Array, v: number, out: PointOut, o: MadModelOptions, scratch: Float64Array): void {
  const n = win.length;
  scratch.set(win);
  const med = median(scratch, n);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs((win[i] as number) - med);
  const sd = 1.4826 * median(scratch, n) + scaleFloor(med);
  out.expected = med;
  out.lower = med - o.bandSigma * sd;
  out.upper = med + o.bandSigma * sd;
  out.kind = v >= med ? 'spike' : 'dip';
  out.z = Math.abs(v - med) / sd;
  out.score = scoreFromZ(out.z, o.zHalf);
}
