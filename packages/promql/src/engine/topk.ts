// topk/bottomk select through a binary heap exactly as Prometheus 2.42 does (Go's container/heap with its
// value order, NaN lowest), so that among equal values the same samples are kept.
import type { Sample } from './values.js';

/** The k samples topk (or bottomk) keeps from one group, largest (smallest) first. */
export function selectK(op: 'topk' | 'bottomk', samples: readonly Sample[], k: number): Sample[] {
  const top = op === 'topk';
  const less = (a: Sample, b: Sample): boolean => Number.isNaN(a.v) || (top ? a.v < b.v : a.v > b.v);
  const h: Sample[] = [samples[0]!];
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    const root = h[0]!;
    if (h.length < k || (top ? root.v < s.v : root.v > s.v) || Number.isNaN(root.v)) {
      if (h.length === k) {
        if (k === 1) {
          h[0] = s;
          continue;
        }
        pop(h, less);
      }
      push(h, s, less);
    }
  }
  // Output order: by value, largest first for topk (smallest for bottomk), NaN last.
  return h.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0));
}

type Less = (a: Sample, b: Sample) => boolean;

function push(h: Sample[], s: Sample, less: Less): void {
  h.push(s);
  let j = h.length - 1;
  while (j > 0) {
    const i = (j - 1) >> 1;
    if (!less(h[j]!, h[i]!)) break;
    [h[i], h[j]] = [h[j]!, h[i]!];
    j = i;
  }
}

function pop(h: Sample[], less: Less): void {
  const n = h.length - 1;
  [h[0], h[n]] = [h[n]!, h[0]!];
  let i = 0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n) break;
    let j = j1;
    if (j1 + 1 < n && less(h[j1 + 1]!, h[j1]!)) j = j1 + 1;
    if (!less(h[j]!, h[i]!)) break;
    [h[i], h[j]] = [h[j]!, h[i]!];
    i = j;
  }
  h.pop();
}
