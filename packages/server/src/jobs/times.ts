import { z } from 'zod';

/** A day in ms. */
export const DAY_MS = 86_400_000;

/** A time in a job's body: ms since the epoch or RFC 3339. */
export const bodyTime: z.ZodType<number | string, number | string> = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .describe('ms since epoch or RFC 3339');

/** A time of the body in ms since the epoch. */
const ms = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));

/** The body's range in ms, or a message naming `body.from` when it is empty. */
export function rangeOf(b: {
  from: number | string;
  to: number | string;
}): { from: number; to: number } | { field: string; message: string } {
  const from = ms(b.from);
  const to = ms(b.to);
  return from < to ? { from, to } : { field: 'body.from', message: `must be before to (${from} >= ${to})` };
}
