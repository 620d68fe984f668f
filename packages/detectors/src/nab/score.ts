/** A NAB application profile: the weights of a true positive, a false positive and a missed window. */
export interface NabProfile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** The three NAB v1.1 profiles (`config/profiles.json`). */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabProfile>> = Object.freeze({
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP_rate: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN_rate: { tp: 1, fp: 0.11, fn: 2 },
});

/** Names of the NAB profiles. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** One scored file: its per-row anomaly scores and its anomaly windows as inclusive row-index ranges. */
export interface NabFile {
  readonly name: string;
  readonly scores: ArrayLike<number>;
  /** `[l, r]` row indices (inclusive), ascending and non-overlapping. */
  readonly windows: readonly (readonly [number, number])[];
}

/** NAB's threshold that flags nothing: no score in [0,1] reaches it. */
export const NAB_NO_FLAG_THRESHOLD = 1.1;

/** Probationary length: 15% of the rows, capped at 750 (`min(floor(0.15·N), 750)`). */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
}

/** NAB's scaled sigmoid: `2/(1+e^{5y}) − 1`, exactly −1 for `y > 3`. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const SIGMA_MINUS_ONE = scaledSigmoid(-1);

/**
 * The value each row would earn if flagged (independent of the threshold), and the window it belongs to
 * (−1 outside every window). Probationary rows get window −2 and are never counted.
 */
export function rowValues(
  file: NabFile,
  profile: NabProfile,
): { values: Float64Array; window: Int32Array; probation: number } {
  const n = file.scores.length;
  const values = new Float64Array(n);
  const window = new Int32Array(n).fill(-1);
  const probation = probationLength(n);
  let prevEnd = -1;
  let prevWidth = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const win = file.windows[w];
    if (win !== undefined && i >= win[0] && i <= win[1]) {
      const width = win[1] - win[0] + 1;
      values[i] = (profile.tp * scaledSigmoid(-(win[1] - i + 1) / width)) / SIGMA_MINUS_ONE;
      window[i] = w;
      if (i === win[1]) {
        prevEnd = win[1];
        prevWidth = width;
        w++;
      }
    } else if (prevEnd < 0) {
      values[i] = -profile.fp;
    } else {
      values[i] = profile.fp * scaledSigmoid((i - prevEnd) / (prevWidth - 1));
    }
    if (i < probation) window[i] = -2;
  }
  return { values, window, probation };
}

/** Windows that have at least one scored (post-probation) row; only those count as misses. */
function liveWindows(file: NabFile): number {
  const p = probationLength(file.scores.length);
  let count = 0;
  for (const [, r] of file.windows) if (r >= p) count++;
  return count;
}

/** Raw NAB score of one file at threshold `threshold` (`a_i >= threshold` flags row i). */
export function scoreFile(file: NabFile, profile: NabProfile, threshold: number): number {
  const { values, window } = rowValues(file, profile);
  const best = new Float64Array(file.windows.length).fill(Number.NEGATIVE_INFINITY);
  const fps: { s: number; v: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const w = window[i] as number;
    if (w === -2 || !((file.scores[i] as number) >= threshold)) continue;
    const v = values[i] as number;
    if (w >= 0) best[w] = Math.max(best[w] as number, v);
    else fps.push({ s: file.scores[i] as number, v });
  }
  // NAB sums false positives in descending-score order; keep its order so totals match to the last bits.
  fps.sort((a, b) => b.s - a.s);
  let fp = 0;
  for (const f of fps) fp += f.v;
  const p = probationLength(values.length);
  let tp = 0;
  for (let w = 0; w < file.windows.length; w++) {
    if ((file.windows[w] as readonly [number, number])[1] < p) continue;
    const b = best[w] as number;
    tp += b === Number.NEGATIVE_INFINITY ? -profile.fn : b;
  }
  return fp + tp;
}

/** Raw corpus score at one threshold: the sum of the file scores (NAB's "Totals" row). */
export function scoreCorpus(files: readonly NabFile[], profile: NabProfile, threshold: number): number {
  let total = 0;
  for (const f of files) total += scoreFile(f, profile, threshold);
  return total;
}

/** NAB normalisation: 100 for the perfect detector, 0 for the null detector. */
export function normalizeNab(raw: number, profile: NabProfile, windowCount: number): number {
  const nullScore = -profile.fn * windowCount;
  const perfect = profile.tp * windowCount;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** Result of a threshold sweep. */
export interface NabSweep {
  readonly threshold: number;
  readonly raw: number;
}

interface Pooled {
  readonly s: number;
  readonly v: number;
  /** Global window id, or −1 for a row outside every window. */
  readonly w: number;
}

function pool(files: readonly NabFile[], profile: NabProfile): { rows: Pooled[]; windows: number } {
  const rows: Pooled[] = [];
  let base = 0;
  let windows = 0;
  for (const f of files) {
    const { values, window } = rowValues(f, profile);
    for (let i = 0; i < values.length; i++) {
      const w = window[i] as number;
      if (w === -2) continue;
      rows.push({ s: f.scores[i] as number, v: values[i] as number, w: w >= 0 ? base + w : -1 });
    }
    base += f.windows.length;
    windows += liveWindows(f);
  }
  return { rows, windows };
}

/**
 * NAB's corpus-wide threshold optimisation: candidates are 1.1 and every distinct post-probation score;
 * the highest raw score wins, ties going to the highest threshold. The returned `raw` is recomputed file
 * by file at the chosen threshold, in NAB's summation order.
 */
export function sweepThreshold(files: readonly NabFile[], profile: NabProfile): NabSweep {
  const { rows, windows } = pool(files, profile);
  rows.sort((a, b) => b.s - a.s);
  const best = new Map<number, number>();
  let total = -profile.fn * windows;
  let bestTotal = total;
  let bestThreshold = NAB_NO_FLAG_THRESHOLD;
  let i = 0;
  while (i < rows.length) {
    const s = (rows[i] as Pooled).s;
    for (; i < rows.length && (rows[i] as Pooled).s === s; i++) {
      const r = rows[i] as Pooled;
      if (r.w < 0) {
        total += r.v;
        continue;
      }
      const old = best.get(r.w);
      if (old === undefined) {
        total += r.v + profile.fn;
        best.set(r.w, r.v);
      } else if (r.v > old) {
        total += r.v - old;
        best.set(r.w, r.v);
      }
    }
    if (s < NAB_NO_FLAG_THRESHOLD && total > bestTotal + 1e-9) {
      bestTotal = total;
      bestThreshold = s;
    }
  }
  return { threshold: bestThreshold, raw: scoreCorpus(files, profile, bestThreshold) };
}
