/** The closest of `names` to a misspelt `name` (edit distance at most a third of its length, at least 2). */
export function didYouMean(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const n of names) {
    const d = distance(name, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      // a swap of two neighbours counts as one edit (group_wiat → group_wait)
      const swap =
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]
          ? prev2[j - 2]! + 1
          : Number.POSITIVE_INFINITY;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub, swap);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}
