import type { SeriesSlots } from '../util/slots.js';

/**
 * The ensemble's own fields of a series as its snapshots hold them (the order they had when they were one slot):
 * count, ring sum, mean, variance, quiet, min, max, then the raw-score ring. Only the count, min and max live in the
 * head; the rest is in a series' rest slot, or all zeros while it has none.
 */
export const OWN = 7;
// the head's fields (count, min, max) at these places of a snapshot; the rest's fields at 1..4, then the ring
const HEAD_AT = [0, 5, 6] as const;
const REST_AT = [1, 2, 3, 4] as const;

/** Series `id`'s own fields in snapshot order, from its head (at `b` of `head`) and its rest (zeros when it has none). */
export function saveOwn(
  head: Float64Array,
  b: number,
  rests: SeriesSlots,
  id: number,
  width: number,
): number[] {
  const values = new Array<number>(OWN - REST_AT.length + width).fill(0);
  for (let i = 0; i < HEAD_AT.length; i++) values[HEAD_AT[i] as number] = head[b + i] as number;
  const r = rests.find(id);
  if (r < 0) return values;
  const s = rests.data;
  for (let i = 0; i < REST_AT.length; i++) values[REST_AT[i] as number] = s[r + i] as number;
  for (let i = REST_AT.length; i < width; i++) values[OWN + i - REST_AT.length] = s[r + i] as number;
  return values;
}

/**
 * Writes snapshot fields `own` into series `id`'s head and rest. A rest of zeros (`null`, JSON's NaN, reads as 0)
 * makes no slot: the series reads as zeros without one. One it has already is overwritten.
 */
export function loadOwn(
  own: readonly (number | null)[],
  heads: SeriesSlots,
  rests: SeriesSlots,
  id: number,
): void {
  heads.load(
    id,
    HEAD_AT.map((at) => own[at] ?? 0),
  );
  const rest = [...REST_AT.map((at) => own[at] ?? 0), ...own.slice(OWN).map((x) => x ?? 0)];
  if (rests.find(id) >= 0 || rest.some((x) => !Object.is(x, 0))) rests.load(id, rest);
}
