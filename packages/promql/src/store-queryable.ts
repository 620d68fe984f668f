// A Queryable over @argus/store, typed structurally so this package does not depend on the store (nor the
// store on it): anything with the store's readSeries/series methods works.
import type { Matcher } from './parser/ast.js';
import type { Labels, Queryable, StoredSeries } from './queryable.js';
import { TimeSlice } from './time-slice.js';

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
  /** Label sets of matching series. */
  series(matchers: readonly StoreMatcher[]): Promise<readonly Labels[]>;
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

/** A read holds the event loop at most about this long before it yields (issue 14: no block over 10 ms). */
const SLICE_MS = 5;

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
): Promise<StoredSeries[]> {
  const out: StoredSeries[] = [];
  const slice = new TimeSlice(SLICE_MS);
  for (const l of await labels) {
    await slice.yieldIfSpent();
    const r = samples(l, from, to);
    out.push({ labels: l, timestamps: r.timestamps, values: r.values, stale: r.stale });
  }
  return out;
}

/**
 * Reads an `@argus/store` Store as a Queryable: raw samples where the store still holds them; where only rollups
 * remain (evicted by retention), it reads nothing and says so in `warnings` (PromQL over averages would be wrong).
 * @example
 * const engine = createEngine({ queryable: storeQueryable(createStore()) });
 */
export function storeQueryable(store: StoreReader): Queryable {
  const labelSets = (ms?: readonly Matcher[]): Promise<readonly Labels[]> => store.series(toStore(ms ?? []));
  return {
    select(matchers, mint, maxt): StoredSeries[] | Promise<StoredSeries[]> {
      const samples = store.samples?.bind(store);
      if (samples) return readInSlices(samples, labelSets(matchers), mint, maxt + 1);
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
}
