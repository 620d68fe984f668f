import type { PointOut } from './util/score.js';

/**
 * A streaming per-series model: the hot path of a detector, usable on its own (e.g. to score every sample for NAB).
 * State lives in typed arrays indexed by series id, grown as ids appear.
 */
export interface Model {
  /**
   * Feeds one sample of series `id` and returns its anomaly score in [0,1] (0 while warming up, for NaN and for
   * samples it skips); `out` receives the score, the surprise and the expected band. No look-ahead.
   */
  update(id: number, timestamp: number, value: number, out: PointOut): number;
  /**
   * Optional: judges series `id` with no sample, at time `now` (the runtime's timer), for what only the passing of time
   * reveals (a series that stopped reporting). Returns a score like `update`; `out` receives the details.
   */
  tick?(id: number, now: number, out: PointOut): number;
  /** One sentence explaining the last `out` for `value`. Only called when a finding is reported. */
  explain(out: PointOut, value: number): string;
  /** JSON-serialisable learned state of one series, or `undefined` when it has none. */
  save(id: number): unknown;
  /** Restores what {@link Model.save} returned into series `id`. Throws on malformed state. */
  load(id: number, state: unknown): void;
}

/** Asserts a restored value is an array of numbers/nulls of the given length; names the model in the error. */
export function expectNumbers(model: string, field: string, v: unknown, length?: number): (number | null)[] {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
    throw new TypeError(`${model}: snapshot field ${field} is not an array of ${length ?? 'n'} numbers`);
  }
  for (const x of v) {
    if (x !== null && typeof x !== 'number')
      throw new TypeError(`${model}: snapshot field ${field} holds ${typeof x}`);
  }
  return v as (number | null)[];
}

/** Rounds for human text. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return String(Math.round(x * 1000) / 1000);
}
