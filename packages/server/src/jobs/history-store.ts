// The worker's side of a job's history: the copied series loaded back into a store of its own.
import type { Labels } from '@argus/core';
import { createStore, type Store } from '@argus/store';

/** One series copied out of the server's store: columns, transferred to the worker without a copy. */
export interface SeriesSnapshot {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** 1 where the sample is a staleness marker. */
  readonly stale: Uint8Array;
}

const DAY_MS = 86_400_000;

/** Loads the snapshot into a memory-only store that keeps all of it (a range of `spanMs`, and a day to spare). */
export function historyStore(spanMs: number, series: readonly SeriesSnapshot[]): Store {
  const store = createStore({ retentionMs: spanMs + DAY_MS });
  for (const s of series)
    for (let i = 0; i < s.timestamps.length; i++)
      store.append(s.labels, s.timestamps[i]!, s.values[i]!, s.stale[i] === 1);
  return store;
}
