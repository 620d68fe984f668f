// Works out, for every selector of a query, the time range its evaluation can read (offsets, `@`, ranges,
// subqueries and the lookback included) and fetches exactly that from the Queryable, once per selector.
import type { AtModifier, Expr, Matcher, VectorSelector } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import { isStaleNaN, type Labels, type Queryable, type SelectOptions } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import type { FetchedSeries } from './fetched-series.js';
import { handOver, inChunks, inOrder, labelsAndPositions, sameLabels } from './series-chunks.js';
import { sortByLabels } from './sort-in-slices.js';

export type { FetchedSeries } from './fetched-series.js';

/**
 * A Queryable's own select into FetchedSeries (internal: storeQueryable has it), used instead of `select` when
 * present. Its series' `stale` flags must mark every StaleNaN value, and nothing may write to its arrays
 * during the query.
 */
export const selectFetched: unique symbol = Symbol('@argus/promql selectFetched');

/**
 * Hands back what {@link selectFetched} returned once the engine has evaluated everything that reads it (the
 * end of an instant query, or of one block of a range query's steps): the Queryable may reuse the columns and
 * the series objects themselves. Answers never point into fetched columns or series (a matrix answer copies its
 * points; samples keep only the label sets), so nothing reads them after.
 */
export const releaseFetched: unique symbol = Symbol('@argus/promql releaseFetched');

/** A Queryable with {@link selectFetched}. */
export interface FetchedQueryable extends Queryable {
  [selectFetched](
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    options?: SelectOptions,
  ): Promise<FetchedSeries[]>;
  [releaseFetched]?(series: Iterable<readonly FetchedSeries[]>): void;
}

/** Hands a query's (or block's) fetched series back to the Queryable that made them, if it takes them. */
export function releaseSelectors(
  q: Queryable,
  data: ReadonlyMap<VectorSelector, readonly FetchedSeries[]>,
): void {
  (q as Partial<FetchedQueryable>)[releaseFetched]?.(data.values());
}

interface Window {
  readonly mint: number;
  readonly maxt: number;
}

/** The query-wide inputs of planning. */
export interface FetchOptions {
  /** The evaluation times to fetch for: the query's, or one block of a range query's steps. */
  readonly startMs: number;
  readonly endMs: number;
  /** What `@ start()` and `@ end()` mean: the whole query's bounds. */
  readonly queryStartMs: number;
  readonly queryEndMs: number;
  readonly lookbackMs: number;
  readonly maxSamples: number;
  readonly signal?: AbortSignal;
  /** The query's checkpoints: yields to the event loop between chunks of work, stops when aborted. */
  readonly slice: TimeSlice;
  /** Collects the Queryable's warnings about the ranges fetched. */
  readonly warnings?: Set<string>;
}

/** Fetches the data of every selector in `expr`; throws when more than `maxSamples` samples would be loaded. */
export async function fetchSelectors(
  q: Queryable,
  expr: Expr,
  o: FetchOptions,
): Promise<Map<VectorSelector, FetchedSeries[]>> {
  const needs = new Map<VectorSelector, Window>();
  plan(expr, { mint: o.startMs, maxt: o.endMs }, o, needs, 0);
  const out = new Map<VectorSelector, FetchedSeries[]>();
  let loaded = 0;
  // Copying a thousand series' samples takes milliseconds too: yield between slices, as evaluation does.
  const slice = o.slice;
  for (const [sel, w] of needs) {
    await slice.checkpoint();
    const series: FetchedSeries[] = [];
    const signal = o.signal;
    const own = (q as Partial<FetchedQueryable>)[selectFetched];
    if (own) {
      const got = await own.call(q, sel.matchers, w.mint, w.maxt, signal ? { signal } : undefined);
      await inChunks(got.length, slice, (from, to) => {
        loaded += handOver(got, from, to, series);
        if (loaded > o.maxSamples) throw tooManySamples(o.maxSamples);
      });
    }
    let i = 0;
    for (const s of own
      ? []
      : await q.select(sel.matchers, w.mint, w.maxt, signal ? { signal } : undefined)) {
      // a series' flags are checked in microseconds: the clock is asked every few series only
      if (i++ % 8 === 0 && slice.due()) await slice.checkpoint();
      const n = s.timestamps.length;
      loaded += n;
      if (loaded > o.maxSamples) throw tooManySamples(o.maxSamples);
      if (n === 0) continue;
      const vs = floats(s.values);
      const { stale, hasStale } = staleFlags(s.stale, vs);
      const ts = floats(s.timestamps);
      series.push({ metric: s.labels, ts, vs, stale, lo: 0, hi: n, hasStale });
    }
    out.set(sel, await sortedLikeLastTime(sel, series, slice));
    if (q.warnings && o.warnings)
      for (const m of await q.warnings(sel.matchers, w.mint, w.maxt)) o.warnings.add(m);
  }
  return out;
}

/** A selector's series in the order fetched at its last fetch, and the order sorting them gave. */
interface SortedOrder {
  readonly fetched: readonly Labels[];
  readonly order: Int32Array;
}

// Keyed by the selector's node: the engine's parse cache hands out the same tree for the same text, so a rule
// evaluated again, a dashboard refreshed or the next block of a range query finds its selector here, and the
// entry goes when the tree does.
const lastOrder = new WeakMap<VectorSelector, SortedOrder>();

/**
 * Sorts a selector's series by labels. When the store hands out the same label objects in the same order as at
 * the selector's last fetch (its series did not change), the order found then is applied again: sorting ten
 * thousand series by label took a fifth of an instant aggregation over them.
 */
async function sortedLikeLastTime(
  sel: VectorSelector,
  series: FetchedSeries[],
  slice: TimeSlice,
): Promise<FetchedSeries[]> {
  const last = lastOrder.get(sel);
  if (last && (await sameLabels(last.fetched, series, slice))) return inOrder(series, last.order, slice);
  const fetched: Labels[] = new Array(series.length);
  // the positions are sorted, not the series: the order found is the sorted positions (no map back from series)
  const positions: number[] = new Array(series.length);
  await inChunks(series.length, slice, (from, to) =>
    labelsAndPositions(series, fetched, positions, from, to),
  );
  await sortByLabels(positions, (i) => series[i]!.metric, slice);
  const order = Int32Array.from(positions);
  lastOrder.set(sel, { fetched, order });
  return inOrder(series, order, slice);
}

/**
 * The staleness flags of a series: its own flags or StaleNaN values. The store's Uint8Array is used as it is when
 * no StaleNaN value lacks a flag (the usual case: one allocation less per series and query, which adds up over
 * ten thousand series); otherwise, or for other array types, the flags are copied and completed.
 */
function staleFlags(
  own: ArrayLike<number> | undefined,
  vs: Float64Array,
): { stale: Uint8Array; hasStale: boolean } {
  const n = vs.length;
  let hasStale = false;
  if (own instanceof Uint8Array && own.length === n) {
    let complete = true;
    for (let i = 0; i < n; i++) {
      if (own[i]) hasStale = true;
      else if (isStaleNaN(vs[i]!)) complete = false;
    }
    if (complete) return { stale: own, hasStale };
    hasStale = false;
  }
  const stale = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (own?.[i] || isStaleNaN(vs[i]!)) {
      stale[i] = 1;
      hasStale = true;
    }
  }
  return { stale, hasStale };
}

// The store hands out fresh Float64Arrays per select, and evaluation never writes into fetched arrays: those are
// used as they are; anything else (plain arrays of a memory Queryable) is copied.
const floats = (xs: ArrayLike<number>): Float64Array =>
  xs instanceof Float64Array ? xs : Float64Array.from(xs);

/** Prometheus's error for a query over the sample limit. */
export function tooManySamples(limit: number): PromQLEvalError {
  return new PromQLEvalError(
    `query processing would load too many samples into memory in query execution (limit ${limit})`,
    'ERR_PROMQL_TOO_MANY_SAMPLES',
  );
}

function atWindow(at: AtModifier | undefined, w: Window, o: FetchOptions): Window {
  if (!at) return w;
  const t = at.kind === 'time' ? at.ms : at.kind === 'start' ? o.queryStartMs : o.queryEndMs;
  return { mint: t, maxt: t };
}

function plan(e: Expr, w: Window, o: FetchOptions, needs: Map<VectorSelector, Window>, extra: number): void {
  switch (e.type) {
    case 'vector': {
      const t = atWindow(e.at, w, o);
      add(needs, e, { mint: t.mint - e.offsetMs - (extra || o.lookbackMs), maxt: t.maxt - e.offsetMs });
      return;
    }
    case 'matrix':
      plan(e.vector, w, o, needs, e.rangeMs);
      return;
    case 'subquery': {
      const t = atWindow(e.at, w, o);
      plan(e.expr, { mint: t.mint - e.offsetMs - e.rangeMs, maxt: t.maxt - e.offsetMs }, o, needs, 0);
      return;
    }
    case 'paren':
    case 'unary':
      plan(e.expr, w, o, needs, 0);
      return;
    case 'binary':
      plan(e.lhs, w, o, needs, 0);
      plan(e.rhs, w, o, needs, 0);
      return;
    case 'aggregate':
      if (e.param) plan(e.param, w, o, needs, 0);
      plan(e.expr, w, o, needs, 0);
      return;
    case 'call':
      for (const a of e.args) plan(a, w, o, needs, 0);
      return;
    default:
      return;
  }
}

function add(needs: Map<VectorSelector, Window>, sel: VectorSelector, w: Window): void {
  const prev = needs.get(sel);
  needs.set(sel, prev ? { mint: Math.min(prev.mint, w.mint), maxt: Math.max(prev.maxt, w.maxt) } : w);
}
