import { ArgusError, type LabelMatcher, type Labels, matchesLabels, parseMatchers } from '@argus/core';
import type { LatestSample, RangeAgg, RangeQuery, RangeSeries, Selector } from '../types.js';
import { type Cols, cols } from './merge.js';
import type { SeriesData } from './series-data.js';
import type { StoreState } from './state.js';

/** Most steps one range query may produce per result, as Prometheus's 11,000-point limit. */
export const MAX_STEPS = 11_000;

/** Parses a selector given as text; passes parsed matchers through. */
export function toMatchers(sel: Selector): readonly LabelMatcher[] {
  if (typeof sel !== 'string') return sel;
  try {
    return parseMatchers(sel);
  } catch (err) {
    throw queryError('query', 'matchers', (err as Error).message, err);
  }
}

/** An `ERR_INVALID_ARGUMENT` naming the store's function and the field. */
function queryError(fn: string, field: string, message: string, cause?: unknown): ArgusError {
  return new ArgusError('ERR_INVALID_ARGUMENT', `store.${fn}: ${field}: ${message}`, { cause });
}

/** Series whose labels match. */
export function matching(st: StoreState, sel: Selector): SeriesData[] {
  const m = toMatchers(sel);
  const out: SeriesData[] = [];
  for (const s of st.postings.candidates(m) ?? st.byLabelSet.values())
    if (matchesLabels(m, s.labels)) out.push(s);
  return out;
}

/** Candidates tested between two yields of matchingInSlices. */
const MATCH_CHUNK = 1024;

/**
 * `matching` in chunks of candidates with a turn of the event loop (setImmediate) between them: over tens of
 * thousands of series one pass takes tens of milliseconds, which a query or a rule evaluation awaiting the
 * answer should not take from the host's timers and sockets in one piece. When `signal` fires it stops with
 * the signal's reason (`signal.throwIfAborted()`).
 */
export async function matchingInSlices(
  st: StoreState,
  sel: Selector,
  signal?: AbortSignal,
): Promise<SeriesData[]> {
  const m = toMatchers(sel);
  const candidates = st.postings.candidates(m);
  // one `name="value"` matcher: its postings are exactly the series that match (a fresh array)
  if (candidates && m.length === 1 && m[0]!.op === '=') return candidates as SeriesData[];
  const out: SeriesData[] = [];
  let tested = 0;
  for (const s of candidates ?? [...st.byLabelSet.values()]) {
    if (++tested % MATCH_CHUNK === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
    if (matchesLabels(m, s.labels)) out.push(s);
  }
  return out;
}

interface Acc {
  labels: Labels;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
  last: Float64Array;
  lastT: Float64Array;
}

const NONE = new Float64Array(0);

/** Allocates only the columns `agg` needs (1,000-series queries would otherwise churn megabytes). */
function acc(labels: Labels, n: number, agg: RangeAgg): Acc {
  const col = (on: boolean, fill: number): Float64Array => (on ? new Float64Array(n).fill(fill) : NONE);
  return {
    labels,
    min: col(agg === 'min', Number.POSITIVE_INFINITY),
    max: col(agg === 'max', Number.NEGATIVE_INFINITY),
    sum: col(agg === 'avg', 0),
    count: new Float64Array(n),
    last: col(agg === 'last', 0),
    lastT: col(agg === 'last', Number.NEGATIVE_INFINITY),
  };
}

function groupOf(s: SeriesData, by: readonly string[] | undefined): { key: string; labels: Labels } {
  const labels = s.labels;
  // without `by` every series is its own group: its id tells them apart
  if (!by) return { key: String(s.id), labels };
  const g: Record<string, string> = {};
  for (const n of by) if (labels[n] !== undefined) g[n] = labels[n]!;
  return { key: JSON.stringify(Object.entries(g).sort()), labels: g };
}

/** Validates a range query and returns its number of steps; throws `ERR_INVALID_ARGUMENT` naming the field. */
export function stepsOf(q: RangeQuery): number {
  if (!(Number.isFinite(q.from) && Number.isFinite(q.to) && q.to > q.from)) {
    throw queryError('range', 'from/to', `need finite from < to, got from=${q.from} to=${q.to}`);
  }
  if (!(q.stepMs > 0)) throw queryError('range', 'stepMs', `must be > 0, got ${q.stepMs}`);
  const n = Math.ceil((q.to - q.from) / q.stepMs);
  if (n > MAX_STEPS) {
    throw queryError('range', 'stepMs', `${n} steps exceeds ${MAX_STEPS}; raise stepMs or shorten the range`);
  }
  return n;
}

/** Runs a range query: raw samples and rolled-up buckets (which never overlap) folded per step. */
export function rangeQuery(st: StoreState, q: RangeQuery): RangeSeries[] {
  const n = stepsOf(q);
  const groups = new Map<string, Acc>();
  for (const s of matching(st, q.matchers)) {
    const g = groupOf(s, q.by);
    let a = groups.get(g.key);
    if (!a) {
      a = acc(g.labels, n, q.agg);
      groups.set(g.key, a);
    }
    addRaw(a, s, q);
    for (const level of st.rollups.get(s.id) ?? []) {
      for (const b of level.buckets) {
        if (b.start < q.from || b.start >= q.to) continue;
        const k = Math.floor((b.start - q.from) / q.stepMs);
        a.count[k]! += b.count;
        if (q.agg === 'min') a.min[k] = Math.min(a.min[k]!, b.min);
        else if (q.agg === 'max') a.max[k] = Math.max(a.max[k]!, b.max);
        else if (q.agg === 'avg') a.sum[k]! += b.sum;
        else if (b.lastT >= a.lastT[k]!) {
          a.lastT[k] = b.lastT;
          a.last[k] = b.last;
        }
      }
    }
  }
  return [...groups.values()].map((a) => finish(a, q));
}

function addRaw(a: Acc, s: SeriesData, q: RangeQuery): void {
  const r = s.read(q.from, q.to);
  const { min, max, sum, count, last, lastT } = a;
  const agg = q.agg;
  const from = q.from;
  const step = q.stepMs;
  for (let i = 0; i < r.n; i++) {
    if (r.s[i]) continue;
    const t = r.t[i]!;
    const v = r.v[i]!;
    const k = Math.floor((t - from) / step);
    count[k]!++;
    if (agg === 'avg') sum[k]! += v;
    else if (agg === 'min') min[k] = Math.min(min[k]!, v);
    else if (agg === 'max') max[k] = Math.max(max[k]!, v);
    else if (t >= lastT[k]!) {
      lastT[k] = t;
      last[k] = v;
    }
  }
}

function finish(a: Acc, q: RangeQuery): RangeSeries {
  let m = 0;
  for (let k = 0; k < a.count.length; k++) if (a.count[k]! > 0) m++;
  const timestamps = new Float64Array(m);
  const values = new Float64Array(m);
  let j = 0;
  for (let k = 0; k < a.count.length; k++) {
    if (a.count[k] === 0) continue;
    timestamps[j] = q.from + k * q.stepMs;
    values[j++] =
      q.agg === 'avg'
        ? a.sum[k]! / a.count[k]!
        : q.agg === 'min'
          ? a.min[k]!
          : q.agg === 'max'
            ? a.max[k]!
            : a.last[k]!;
  }
  return { labels: a.labels, timestamps, values };
}

/** The newest sample (raw, else the newest rollup bucket's last value) of each matching series. */
export function latestQuery(st: StoreState, sel: Selector): LatestSample[] {
  const out: LatestSample[] = [];
  for (const s of matching(st, sel)) {
    if (Number.isFinite(s.maxT)) {
      const r = s.read(s.maxT, s.maxT + 1);
      if (r.n > 0) {
        out.push({ labels: s.labels, timestamp: r.t[0]!, value: r.v[0]!, stale: r.s[0] === 1 });
        continue;
      }
    }
    let best: { t: number; v: number } | undefined;
    for (const level of st.rollups.get(s.id) ?? []) {
      const b = level.buckets[level.buckets.length - 1];
      if (b && (!best || b.lastT > best.t)) best = { t: b.lastT, v: b.last };
    }
    if (best) out.push({ labels: s.labels, timestamp: best.t, value: best.v, stale: false });
  }
  return out;
}

/**
 * Prepends one point per rollup bucket in [from, to) (coarsest level first: rolled-up data is always older
 * than the finer levels and the raw samples, so the result stays in time order).
 */
export function withRollups(
  st: StoreState,
  s: SeriesData,
  raw: Cols,
  from: number,
  to: number,
  mode: 'avg' | 'last' | 'none',
): Cols {
  const levels = st.rollups.get(s.id);
  if (mode === 'none' || !levels) return raw;
  const t: number[] = [];
  const v: number[] = [];
  for (let l = levels.length - 1; l >= 0; l--) {
    for (const b of levels[l]!.buckets) {
      if (b.start < from || b.start >= to) continue;
      t.push(b.start);
      v.push(mode === 'avg' ? b.sum / b.count : b.last);
    }
  }
  if (t.length === 0) return raw;
  const out = cols(t.length + raw.n);
  out.t.set(t);
  out.v.set(v);
  out.t.set(raw.t.subarray(0, raw.n), t.length);
  out.v.set(raw.v.subarray(0, raw.n), t.length);
  out.s.set(raw.s.subarray(0, raw.n), t.length);
  out.n = t.length + raw.n;
  return out;
}
