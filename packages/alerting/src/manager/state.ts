import type { StateStore } from '@argus/core';
import type { AlertRecord } from './alert-table.js';
import type { DeadLetter, NfRecord } from './delivery.js';
import type { HistoryEntry } from './history.js';
import type { Silence } from './silences.js';

/** Everything the alert manager persisted. */
export interface LoadedState {
  alerts: AlertRecord[];
  records: [string, NfRecord][];
  silences: Silence[];
  dead: DeadLetter[];
  history: HistoryEntry[][];
}

async function all<T>(store: StateStore, prefix: string): Promise<[string, T][]> {
  const keys = await store.list(prefix);
  const out: [string, T][] = [];
  for (const k of keys) {
    const v = await store.get<T>(k);
    if (v !== undefined && v !== null) out.push([k.slice(prefix.length), v]);
  }
  return out;
}

/** Reads the alert manager's state back from the store. */
export async function loadState(store: StateStore): Promise<LoadedState> {
  return {
    alerts: (await all<AlertRecord>(store, 'am/alert/')).map(([, v]) => v),
    records: await all<NfRecord>(store, 'am/nf/'),
    silences: (await all<Silence>(store, 'am/silence/')).map(([, v]) => v),
    dead: (await all<DeadLetter>(store, 'am/dead/')).map(([, v]) => v),
    history: (await all<HistoryEntry[]>(store, 'am/history/')).map(([, v]) => v),
  };
}

/** Nothing persisted (durability off). */
export function emptyState(): LoadedState {
  return { alerts: [], records: [], silences: [], dead: [], history: [] };
}
