import type { FindingKind } from '@argus/core';

/** Where a model writes what it saw at the last sample, without allocating (one per model, reused). */
export interface PointOut {
  /** Anomaly score in [0,1]. */
  score: number;
  /** Surprise in robust standard deviations (0 when none). */
  z: number;
  expected: number;
  lower: number;
  upper: number;
  kind: FindingKind;
}

/** A fresh {@link PointOut}. */
export function pointOut(): PointOut {
  return { score: 0, z: 0, expected: Number.NaN, lower: Number.NaN, upper: Number.NaN, kind: 'spike' };
}

/**
 * Maps a surprise `z` (in standard deviations) to a score in [0,1]: `z²/(z²+zHalf²)`, so `zHalf` scores 0.5
 * and the mapping never saturates (large surprises stay ordered). Infinite z scores 1; NaN scores 0.
 */
export function scoreFromZ(z: number, zHalf: number): number {
  if (!(z > 0)) return 0;
  if (z === Number.POSITIVE_INFINITY) return 1;
  const q = z * z;
  return q / (q + zHalf * zHalf);
}

/** The z a score maps back to (inverse of {@link scoreFromZ}). */
export function zFromScore(score: number, zHalf: number): number {
  if (score >= 1) return Number.POSITIVE_INFINITY;
  return zHalf * Math.sqrt(score / (1 - score));
}

/** A scale floor: keeps z finite on constant series yet lets a change on them score high. */
export function scaleFloor(level: number): number {
  return 1e-9 * Math.max(1, Math.abs(level));
}
