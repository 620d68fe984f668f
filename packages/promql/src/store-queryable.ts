// A Queryable over @argus/store, typed structurally so this package does not depend on the store (nor the
// store on it): anything with the store's readSeries/series methods works.
import { type FetchedQueryable, type FetchedSeries, releaseFetched, selectFetched } from './engine/fetch.js';
import type { Matcher } from './parser/ast.js';
import { isStaleNaN, type Labels, type Queryable, type StoredSeries } from './queryable.js';
import { SLAB_SAMPLES, type Slab, SlabPool, slab } from './slab-pool.js';
import { abortedError, defaultScheduler, type Scheduler, TimeSlice } from './time-slice.js';

/** A matcher as @argus/store takes it (`LabelMatcher` of @argus/core). */
export interface StoreMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: RegExp;
}

/** The part of `@argus/store`'s Store the engine reads through. */
export interface StoreReader {
  /** Raw samples of matching series in [from, to). */
  readSeries(
    matchers: readonly StoreMatcher[],
    from: number,
    to: number,
  ): readonly { labels: Labels; timestamps: Float64Array; values: Float64Array; stale: Uint8Array }[];
  /**
   * Raw samples of one series in [from, to), the series named by the label set `series` returned. Optional:
   * with it, selects read series by series and yield to the event loop between chunks.
   */
  samples?(
    labels: Labels,
    from: number,
    to: number,
  ): { timestamps: Float64Array; values: Float64Array; stale: Uint8Array };
  /** Label sets of matching series; a store that matches in chunks stops when `options.signal` fires. */
  series(
    matchers: readonly StoreMatcher[],
    options?: { readonly signal?: AbortSignal },
  ): Promise<readonly Labels[]>;
  /**
   * Matching series as handles for `readInto` (optional, with `sampleBound` and `readInto`): with them a select
   * decodes every series into columns of its own instead of arrays per series.
   */
  selectRefs?(
    matchers: readonly StoreMatcher[],
    options?: { readonly signal?: AbortSignal },
  ): Promise<readonly { readonly labels: Labels }[]>;
  /** At least as many samples as `readInto` writes for the same series and range. */
  sampleBound?(ref: { readonly labels: Labels }, from: number, to: number): number;
  /**
   * Writes a series' samples in [from, to) into `out` from index `at`; returns how many. Every stale flag it
   * covers is written, 0 or 1: columns are reused across selects, so they are not zeroed (the store does this).
   */
  readInto?(ref: { readonly labels: Labels }, from: number, to: number, out: Slab, at: number): number;
  /** Where matching series hold only rollups in [from, to) (the store's raw samples there were evicted). */
  rolledUp?(
    matchers: readonly StoreMatcher[],
    from: number,
    to: number,
  ): { series: number; fromMs: number; toMs: number } | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const selectorText = (ms: readonly Matcher[]): string =>
  `{${ms.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`;

const toStore = (ms: readonly Matcher[]): StoreMatcher[] =>
  ms.map((m) => (m.re ? { name: m.name, op: m.op, value: m.value, regex: m.re } : m));

/**
 * Decoding the samples of every matching series in one call blocks the host for as long as that takes (tens of
 * milliseconds for a thousand series over two hours); series by series, with a yield whenever a slice of time
 * is used up, the host's timers and sockets get their turn.
 */
async function readInSlices(
  samples: NonNullable<StoreReader['samples']>,
  labels: Promise<readonly Labels[]>,
  from: number,
  to: number,
  slice: TimeSlice,
): Promise<StoredSeries[]> {
  const out: StoredSeries[] = [];
  let sets: readonly Labels[];
  try {
    sets = await labels;
  } catch (err) {
    // the store stops with the signal's reason: the query answers with its own error for that
    if (slice.signal?.aborted) throw abortedError(slice.signal);
    throw err;
  }
  for (const l of sets) {
    if (slice.due()) await slice.checkpoint();
    const r = samples(l, from, to);
    out.push({ labels: l, timestamps: r.timestamps, values: r.values, stale: r.stale });
  }
  return out;
}

type RefReader = StoreReader & Required<Pick<StoreReader, 'selectRefs' | 'sampleBound' | 'readInto'>>;

const hasRefReads = (s: StoreReader): s is RefReader =>
  s.selectRefs !== undefined && s.sampleBound !== undefined && s.readInto !== undefined;

/**
 * As {@link readInSlices}, but each series is decoded straight into shared slabs (columns of at least
 * {@link SLAB_SAMPLES} samples, a new one when the current is full) and handed out as its part of them
 * (`lo`, `hi`): one object per series, no typed-array views (those, and the objects around them, were a fifth of
 * an instant aggregation's CPU over ten thousand series and most of its garbage). Nothing writes to a slab after
 * the part a series was given, so the parts stay valid for the query. A StaleNaN value the store did not flag is
 * flagged in the slab (the engine reads markers from the flags only).
 */
async function readRefsInSlices(
  store: RefReader,
  matchers: readonly StoreMatcher[],
  from: number,
  to: number,
  slice: TimeSlice,
  pool?: SlabPool,
): Promise<FetchedSeries[]> {
  let refs: readonly { readonly labels: Labels }[];
  try {
    refs = await store.selectRefs(matchers, slice.signal ? { signal: slice.signal } : undefined);
  } catch (err) {
    if (slice.signal?.aborted) throw abortedError(slice.signal);
    throw err;
  }
  const out: FetchedSeries[] = new Array(refs.length);
  let buf = slab(0);
  let at = 0;
  for (let i = 0; i < refs.length; i++) {
    if (slice.due()) await slice.checkpoint();
    const ref = refs[i]!;
    const bound = store.sampleBound(ref, from, to);
    if (at + bound > buf.t.length) {
      // sized for the series left as if each were this one's size, up to a full slab: a select of a few small
      // series (most rule expressions) should not zero a full slab
      const n = Math.max(bound, Math.min(SLAB_SAMPLES, bound * (refs.length - i)));
      buf = pool ? pool.take(n) : slab(n);
      at = 0;
    }
    const end = at + store.readInto(ref, from, to, buf, at);
    const { t, v, s } = buf;
    let hasStale = false;
    for (let k = at; k < end; k++) {
      if (s[k]) hasStale = true;
      else if (isStaleNaN(v[k]!)) {
        s[k] = 1;
        hasStale = true;
      }
    }
    out[i] = pool
      ? pool.part(ref.labels, buf, at, end, hasStale)
      : { metric: ref.labels, ts: t, vs: v, stale: s, lo: at, hi: end, hasStale };
    at = end;
  }
  return out;
}

/** Options of {@link storeQueryable}. */
export interface StoreQueryableOptions {
  /** How reads share the event loop (see EngineOptions.scheduler); default: yield after 2 ms of work. */
  readonly scheduler?: Scheduler;
}

/**
 * Reads an `@argus/store` Store as a Queryable: raw samples where the store still holds them; where only rollups
 * remain (evicted by retention), it reads nothing and says so in `warnings` (PromQL over averages would be wrong).
 * @example
 * const engine = createEngine({ queryable: storeQueryable(createStore()) });
 */
export function storeQueryable(store: StoreReader, options: StoreQueryableOptions = {}): Queryable {
  const scheduler = options.scheduler ?? defaultScheduler;
  const labelSets = (ms?: readonly Matcher[], signal?: AbortSignal): Promise<readonly Labels[]> =>
    store.series(toStore(ms ?? []), signal ? { signal } : undefined);
  const q: Queryable & Partial<FetchedQueryable> = {
    select(matchers, mint, maxt, o): StoredSeries[] | Promise<StoredSeries[]> {
      if (hasRefReads(store)) {
        const slice = new TimeSlice(scheduler, o?.signal);
        // a view per column and series for callers other than the engine (which reads the parts in place)
        return readRefsInSlices(store, toStore(matchers), mint, maxt + 1, slice).then((xs) =>
          xs.map((f) => ({
            labels: f.metric,
            timestamps: new Float64Array(f.ts.buffer, f.lo * 8, f.hi - f.lo),
            values: new Float64Array(f.vs.buffer, f.lo * 8, f.hi - f.lo),
            stale: new Uint8Array(f.stale.buffer, f.lo, f.hi - f.lo),
          })),
        );
      }
      const samples = store.samples?.bind(store);
      if (samples) {
        const slice = new TimeSlice(scheduler, o?.signal);
        return readInSlices(samples, labelSets(matchers, o?.signal), mint, maxt + 1, slice);
      }
      return store.readSeries(toStore(matchers), mint, maxt + 1).map((s) => ({
        labels: s.labels,
        timestamps: s.timestamps,
        values: s.values,
        stale: s.stale,
      }));
    },
    warnings(matchers, mint, maxt): string[] {
      const r = store.rolledUp?.(toStore(matchers), mint, maxt + 1);
      if (!r) return [];
      return [
        `only rollups remain for ${r.series} series of ${selectorText(matchers)} from ${iso(r.fromMs)} to ${iso(r.toMs)}: ` +
          "their raw samples were evicted by the store's retention (age or maxBytes) and PromQL reads raw samples only, so that part of the range has no data",
      ];
    },
    async labelNames(matchers) {
      const names = new Set<string>();
      for (const l of await labelSets(matchers)) for (const n of Object.keys(l)) names.add(n);
      return [...names].sort();
    },
    async labelValues(name, matchers) {
      const values = new Set<string>();
      for (const l of await labelSets(matchers)) if (l[name] !== undefined) values.add(l[name]);
      return [...values].sort();
    },
  };
  if (hasRefReads(store)) {
    const pool = new SlabPool();
    q[selectFetched] = async (matchers, mint, maxt, o) => {
      await pool.settled;
      return readRefsInSlices(
        store,
        toStore(matchers),
        mint,
        maxt + 1,
        new TimeSlice(scheduler, o?.signal),
        pool,
      );
    };
    q[releaseFetched] = (series) => pool.give(series, new TimeSlice(scheduler));
  }
  return q;
}
