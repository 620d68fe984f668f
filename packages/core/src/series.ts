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
  const known = (id: number): Labels => {
    const l = index.labels(id);
    if (l === undefined) throw new RangeError(`unknown series id ${id}`);
    return l;
  };

  return {
    intern(labels) {
      const found = index.find(labels);
      if (found >= 0) return found;
      if (options.accept && !options.accept()) {
        rejected++;
        return SERIES_REJECTED;
      }
      if (index.size >= maxSeries) {
        rejected++;
        if (!warned) {
          warned = true;
          options.onLimit?.(maxSeries);
        }
        return SERIES_REJECTED;
      }
      return index.add(labels);
    },
    lookup(labels) {
      const id = index.find(labels);
      return id >= 0 ? id : undefined;
    },
    labels: (id) => known(id),
    fingerprint(id) {
      // the index hashed the labels when it interned them: the fingerprint is those 64 bits in hex
      known(id);
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
