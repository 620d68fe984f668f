// histogram_quantile over classic buckets (`le` labels), as Prometheus 2.42's bucketQuantile.

import type { Sample } from '../engine/values.js';
import { dropName, labelsKey } from '../engine/values.js';
import type { Labels } from '../queryable.js';

interface Bucket {
  upper: number;
  count: number;
}

/** histogram_quantile(q, buckets): one sample per bucket set (labels without `le` and the name). */
export function histogramQuantile(q: number, samples: Sample[], t: number): Sample[] {
  const groups = new Map<string, { metric: Labels; buckets: Bucket[] }>();
  for (const s of samples) {
    const le = s.metric.le;
    if (le === undefined) continue;
    const upper = parseLe(le);
    if (upper === undefined) continue;
    const withName = withoutLe(s.metric);
    // Grouped with the name (two histograms differing only by name stay apart) and output without it.
    const k = labelsKey(withName);
    const metric = dropName(withName);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { metric, buckets: [] }));
    g.buckets.push({ upper, count: s.v });
  }
  return [...groups.values()].map((g) => ({ metric: g.metric, v: bucketQuantile(q, g.buckets), t }));
}

// The same bucket label sets recur at every step: one `le`-less copy per set, so that its key is cached.
const leless = new WeakMap<Labels, Labels>();

function withoutLe(l: Labels): Labels {
  let out = leless.get(l);
  if (!out) {
    const { le: _, ...rest } = l;
    leless.set(l, (out = rest));
  }
  return out;
}

function parseLe(le: string): number | undefined {
  const t = le.trim().toLowerCase();
  if (t === '+inf' || t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return Number.NaN;
  const v = Number(le);
  return le.trim() === '' || Number.isNaN(v) ? undefined : v;
}

function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upper !== Infinity) return Number.NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upper;
  if (b === 0 && buckets[0]!.upper <= 0) return buckets[0]!.upper;
  let start = 0;
  const end = buckets[b]!.upper;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upper;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}
