import type { StoreState } from '../internal/state.js';
import type { ResolvedStoreOptions } from '../options.js';

/** An open data directory. */
export interface Persistence {
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the data directory: loads the snapshot, replays segments, starts the flush timer. */
export async function openPersistence(_st: StoreState, _opts: ResolvedStoreOptions): Promise<Persistence> {
  throw new Error('store: persistence is not implemented yet');
}
