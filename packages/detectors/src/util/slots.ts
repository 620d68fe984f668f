import { growF64 } from './arrays.js';
import type { PointOut } from './score.js';

/** Fixed-width per-series state in one growing Float64Array: series `id` owns `data[id * width, (id + 1) * width)`. */
export interface SeriesSlots {
  /** The backing array. Growing replaces it, so read it after {@link SeriesSlots.slot}, never before. */
  readonly data: Float64Array;
  /** Makes room for series `id` (new fields are 0) and returns the index of its first field. */
  slot(id: number): number;
  /**
   * Starts a model's update: clears `out`'s score and z, then for a finite `v` makes room for series `id` and
   * returns its first index; returns -1 for a non-finite `v`, which models skip (score 0, state untouched).
   */
  begin(id: number, v: number, out: PointOut): number;
  /** A copy of series `id`'s fields for a snapshot, or `undefined` when the series was never seen. */
  save(id: number): number[] | undefined;
  /** Writes snapshot values into series `id`; a `null` (how JSON carries NaN) is read back as 0. */
  load(id: number, values: readonly (number | null)[]): void;
}

/**
 * Per-series state for a streaming model: every model keeps `width` doubles per series id, grown as ids appear,
 * and snapshots them as plain arrays.
 */
export function seriesSlots(width: number): SeriesSlots {
  let data = new Float64Array(0) as Float64Array;
  const slot = (id: number): number => {
    data = growF64(data, (id + 1) * width);
    return id * width;
  };
  return {
    get data() {
      return data;
    },
    slot,
    begin(id, v, out) {
      out.score = 0;
      out.z = 0;
      return Number.isFinite(v) ? slot(id) : -1;
    },
    save(id) {
      if ((id + 1) * width > data.length) return undefined;
      return Array.from(data.subarray(id * width, (id + 1) * width));
    },
    load(id, values) {
      const b = slot(id);
      for (let i = 0; i < width; i++) data[b + i] = values[i] ?? 0;
    },
  };
}
