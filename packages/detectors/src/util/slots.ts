import type { PointOut } from './score.js';

/**
 * Fixed-width per-series state in pages of 1 024 series: series `id` owns `width` doubles of page `id >> 10`. Pages
 * never move, so growing copies nothing past the first page (which grows by half up to full size, so a few series
 * cost a few slots) and leaves at most one page partly unused, where one array grown by half could leave a third of
 * it (issue 13: memory per series).
 */
export interface SeriesSlots {
  /** The page of the series last passed to {@link SeriesSlots.slot} or found by {@link SeriesSlots.find}: read it after them, never before. */
  readonly data: Float64Array;
  /** Makes room for series `id` (new fields are 0), points `data` at its page and returns the index of its first field there. */
  slot(id: number): number;
  /** Like {@link SeriesSlots.slot} for a series that has room already; -1 (and `data` unchanged) when it has none. */
  find(id: number): number;
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

const SHIFT = 10;
const PAGE = 1 << SHIFT;
const MASK = PAGE - 1;
const EMPTY: Float64Array = new Float64Array(0);

/**
 * Per-series state for a streaming model: every model keeps `width` doubles per series id, in pages allocated as
 * ids appear, and snapshots them as plain arrays.
 */
export function seriesSlots(width: number): SeriesSlots {
  const pages: Float64Array[] = [];
  let data: Float64Array = EMPTY;
  const full = PAGE * width;
  const slot = (id: number): number => {
    const p = id >> SHIFT;
    const b = (id & MASK) * width;
    let page = pages[p];
    if (page === undefined || page.length < b + width) {
      const size =
        p > 0 ? full : Math.min(full, Math.max(b + width, Math.ceil((page?.length ?? 0) * 1.5), 8 * width));
      const grown = new Float64Array(size);
      if (page !== undefined) grown.set(page);
      pages[p] = grown;
      page = grown;
    }
    data = page;
    return b;
  };
  const find = (id: number): number => {
    const page = pages[id >> SHIFT];
    const b = (id & MASK) * width;
    if (page === undefined || page.length < b + width) return -1;
    data = page;
    return b;
  };
  return {
    get data() {
      return data;
    },
    slot,
    find,
    begin(id, v, out) {
      out.score = 0;
      out.z = 0;
      return Number.isFinite(v) ? slot(id) : -1;
    },
    save(id) {
      const b = find(id);
      if (b < 0) return undefined;
      // copied by hand: a subarray view per series and save is garbage that a save of 100k series makes 100k of
      const values = new Array<number>(width);
      for (let i = 0; i < width; i++) values[i] = data[b + i] as number;
      return values;
    },
    load(id, values) {
      const b = slot(id);
      for (let i = 0; i < width; i++) data[b + i] = values[i] ?? 0;
    },
  };
}
