import type { Labels } from './labels.js';
import { SeriesIndex } from './series-index.js';

/** Returned by {@link SeriesRegistry.intern} when the series cap is reached: the sample must be dropped. */
export const SERIES_REJECTED = -1;

/**
 * Interns label sets to small integer ids, once, when a series is first seen. The hot path moves
 * these ids and typed arrays; labels and fingerprints are looked up only when a human or an alert needs them.
 */
export interface SeriesRegistry {
  /**
   * Returns the id of the series, creating it on first sight; {@link SERIES_REJECTED} when `maxSeries` is reached.
   * A new label set is copied, unless it is frozen with string values: then it is kept as given.
   */
  intern(labels: Labels): number;
  /**
   * {@link SeriesRegistry.intern} for a caller that has a series as text and its fingerprint, without building its
   * labels: the registry keeps `text` and calls `build(text)` the first time the labels are asked for (by
   * {@link SeriesRegistry.labels}, or to confirm a match). `hi`/`lo` are the fingerprint's halves of `build(text)`
   * from `textHash`, `count` its number of labels; a wrong hash makes a second series of the same labels. `build`
   * should be one function shared by many series (the registry holds it per series). With `from` and `to`, the
   * series' text is `text.slice(from, to)` and the registry keeps `text` and the range: a caller holding many new
   * series in one string (a chunk of a scrape page) then leaves no string per series. Optional: a registry without
   * it is given label sets. @experimental
   */
  internText?(
    hi: number,
    lo: number,
    count: number,
    text: string,
    build: (text: string) => Labels,
    from?: number,
    to?: number,
  ): number;
  /**
   * A hint that about `count` new series follow (a first scrape of a large page): the registry makes room for them
   * at once instead of growing step by step as they come, which copies what it holds each time, inside one call.
   * Optional; changes no result. @experimental
   */
  reserve?(count: number): void;
  /** Returns the id for a label set already seen, or `undefined`. Never creates. */
  lookup(labels: Labels): number | undefined;
  /** The labels of a series id. Throws `RangeError` for an id this registry never issued. */
  labels(id: number): Labels;
  /** The Prometheus/Alertmanager fingerprint of a series (hashed when it was interned). */
  fingerprint(id: number): string;
  /** Number of series interned. */
  readonly size: number;
  /** Number of intern calls refused because the cap was reached. */
  readonly rejected: number;
  /** The cap on series, `Infinity` when none. */
  readonly maxSeries: number;
}

/** Options for {@link createSeriesRegistry}. */
export interface SeriesRegistryOptions {
  /** Refuse new series past this many (existing series keep flowing). @default Infinity */
  maxSeries?: number;
  /** Called once, when the cap is first hit. */
  onLimit?: (maxSeries: number) => void;
  /** Asked before a new series is created; `false` refuses it like the cap does (used for the heap cap). */
  accept?: () => boolean;
}

/** Creates a series registry. One per pipeline; plugins reach it through their context as `ctx.series`. */
export function createSeriesRegistry(options: SeriesRegistryOptions = {}): SeriesRegistry {
  const maxSeries = options.maxSeries ?? Number.POSITIVE_INFINITY;
  const index = new SeriesIndex();
  let rejected = 0;
  let warned = false;
  /** Whether a new series may be created now; counts the refusal when not. */
  const admit = (): boolean => {
    if (options.accept && !options.accept()) {
      rejected++;
      return false;
    }
    if (index.size >= maxSeries) {
      rejected++;
      if (!warned) {
        warned = true;
        options.onLimit?.(maxSeries);
      }
      return false;
    }
    return true;
  };
  const known = (id: number): Labels => {
    const l = index.labels(id);
    if (l === undefined) throw new RangeError(`unknown series id ${id}`);
    return l;
  };

  return {
    intern(labels) {
      const found = index.find(labels);
      if (found >= 0) return found;
      return admit() ? index.add(labels) : SERIES_REJECTED;
    },
    internText(hi, lo, count, text, build, from = 0, to = text.length) {
      const found = index.findText(hi, lo, count, text, build, from, to);
      if (found >= 0) return found;
      return admit() ? index.addText(hi, lo, count, text, build, from, to) : SERIES_REJECTED;
    },
    reserve(count) {
      // past the cap nothing more is created: no room to make
      index.reserve(Math.max(0, Math.min(count, maxSeries - index.size)));
    },
    lookup(labels) {
      const id = index.find(labels);
      return id >= 0 ? id : undefined;
    },
    labels: (id) => known(id),
    fingerprint(id) {
      // the index hashed the labels when it interned them: the fingerprint is those 64 bits in hex (a series
      // interned by text keeps its labels unbuilt)
      if (!(id >= 0 && id < index.size && Number.isInteger(id)))
        throw new RangeError(`unknown series id ${id}`);
      return index.fingerprint(id);
    },
    get size() {
      return index.size;
    },
    get rejected() {
      return rejected;
    },
    maxSeries,
  };
}
