import type { Scheduler } from '../src/index.js';

/** A scheduler that yields at every checkpoint and records, at each yield, what `probe` says (reads so far, …). */
export function everyCheckpoint(probe: () => number = () => 0): Scheduler & { at: number[] } {
  const at: number[] = [];
  return {
    at,
    shouldYield: () => true,
    async yield() {
      at.push(probe());
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** The largest count between two yields (and before the first and after the last), of `total` in all. */
export function longestStretch(at: readonly number[], total: number): number {
  let longest = 0;
  let prev = 0;
  for (const n of [...at, total]) {
    longest = Math.max(longest, n - prev);
    prev = n;
  }
  return longest;
}
