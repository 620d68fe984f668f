import type { AlertRecord } from './alert-table.js';
import type { DeadLetter } from './delivery.js';
import type { HistoryEntry } from './history.js';
import type { NfRecord } from './nflog.js';
import type { Silence } from './silences.js';

/** Everything the alert manager persisted. */
export interface LoadedState {
  alerts: AlertRecord[];
  records: [string, NfRecord][];
  silences: Silence[];
  dead: DeadLetter[];
  history: HistoryEntry[][];
}

function byPrefix<T>(state: Map<string, unknown>, prefix: string): [string, T][] {
  const out: [string, T][] = [];
  for (const [k, v] of state)
    if (k.startsWith(prefix) && v !== undefined && v !== null) out.push([k.slice(prefix.length), v as T]);
  // key order: history chunks are numbered, and the rest does not care
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The alert manager's state from the keys the journal read back. */
export function stateOf(state: Map<string, unknown>): LoadedState {
  return {
    alerts: byPrefix<AlertRecord>(state, 'am/alert/').map(([, v]) => v),
    records: byPrefix<NfRecord>(state, 'am/nf/'),
    silences: byPrefix<Silence>(state, 'am/silence/').map(([, v]) => v),
    dead: byPrefix<DeadLetter>(state, 'am/dead/').map(([, v]) => v),
    history: byPrefix<HistoryEntry[]>(state, 'am/history/').map(([, v]) => v),
  };
}

/** Nothing persisted (durability off). */
export function emptyState(): LoadedState {
  return { alerts: [], records: [], silences: [], dead: [], history: [] };
}
