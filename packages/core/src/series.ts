import { fingerprint, type Labels, labelsKey } from './labels.js';

/** Returned by {@link SeriesRegistry.intern} when the series cap is reached: the sample must be dropped. */
export const SERIES_REJECTED = -1;

/**
 * Interns label sets to small integer ids, once, when a series is first seen. The hot path moves
 * these ids and typed arrays; labels and fingerprints are looked up only when a human or an alert needs them.
 */
export interface SeriesRegistry {
  /** Returns the id of the series, creating it on first sight; {@link SERIES_REJECTED} when `maxSeries` is reached. */
  intern(labels: Labels): number;
  /** Returns the id for a label set already seen, or `undefined`. Never creates. */
  lookup(labels: Labels): number | undefined;
  /** The labels of a series id. Throws `RangeError` for an id this registry never issued. */
  labels(id: number): Labels;
  /** The Prometheus/Alertmanager fingerprint of a series, computed once and cached. */
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
  const ids = new Map<string, number>();
  const labelSets: Labels[] = [];
  const fingerprints: (string | undefined)[] = [];
  let rejected = 0;
  let warned = false;

  return {
    intern(labels) {
      const key = labelsKey(labels);
      const known = ids.get(key);
      if (known !== undefined) return known;
      if (options.accept && !options.accept()) {
        rejected++;
        return SERIES_REJECTED;
      }
      if (labelSets.length >= maxSeries) {
        rejected++;
        if (!warned) {
          warned = true;
          options.onLimit?.(maxSeries);
        }
        return SERIES_REJECTED;
      }
      const id = labelSets.length;
      labelSets.push(Object.freeze(Object.assign({}, labels)));
      fingerprints.push(undefined);
      ids.set(key, id);
      return id;
    },
    lookup: (labels) => ids.get(labelsKey(labels)),
    labels(id) {
      const l = labelSets[id];
      if (l === undefined) throw new RangeError(`unknown series id ${id}`);
      return l;
    },
    fingerprint(id) {
      const cached = fingerprints[id];
      if (cached !== undefined) return cached;
      const fp = fingerprint(this.labels(id));
      fingerprints[id] = fp;
      return fp;
    },
    get size() {
      return labelSets.length;
    },
    get rejected() {
      return rejected;
    },
    maxSeries,
  };
}
