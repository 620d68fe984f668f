import { putSnapshot, type SnapshotParts } from './snapshot-encode.js';
import type { StateStore } from './store.js';

/**
 * Saves of only the entries changed since the last save (issue 21: a full save of 100k series is about 0.6 s of CPU
 * every `snapshotIntervalMs`, however few of them changed). A full snapshot stays under its key; each later save
 * whose plugin hands over {@link SnapshotParts.changes} may store just those, as a delta under `<key>~delta~<n>`.
 * Restore reads the full snapshot and applies its deltas in order, so `restore` gets the same value as if every
 * save had been full. Both carry a marker naming the full save they belong to: deltas left by an older full save
 * (a crash between writing a full snapshot and deleting the deltas before it) are ignored.
 */

/** The reserved field that marks a full snapshot and its deltas; removed before `restore` sees the value. */
const MARK = '~delta';
const DELTA = '~delta~';
// a delta per save until the deltas since the full save hold as many entries as the state has (storage at most
// twice a full snapshot, restore at most twice the work): then a full save again
const MAX_DELTAS = 64;

interface Mark {
  /** Which full save this belongs to. */
  base: string;
  /** The field holding the entries. */
  field: string;
}

/** What one plugin's saves remember between saves: the full save deltas now go on, and what they hold. */
export interface DeltaMemo {
  base: string;
  deltas: number;
  entries: number;
}

/**
 * Stores `parts` under `key`: a delta of its changed entries when there is a full save of this process to add to
 * and the deltas would stay small, otherwise a full snapshot (after which older deltas are deleted). Returns the
 * memo for the next save; a failed save throws, and the caller drops its memo so the next save is full (the
 * entries a failed delta took were marked clean by the plugin and are in no stored delta).
 */
export async function putSnapshotParts(
  store: StateStore,
  key: string,
  parts: SnapshotParts,
  memo: DeltaMemo | undefined,
): Promise<DeltaMemo> {
  const changes = parts.changes;
  if (
    memo &&
    changes &&
    memo.deltas < MAX_DELTAS &&
    memo.entries + changes.count <= Math.max(changes.total, 1) &&
    changes.count * 2 <= changes.total
  ) {
    const n = memo.deltas + 1;
    const mark: Mark = { base: memo.base, field: parts.field };
    await putSnapshot(store, `${key}${DELTA}${String(n).padStart(6, '0')}`, {
      parts: { head: { ...parts.head, [MARK]: mark }, field: parts.field, entries: changes.entries },
    });
    return { base: memo.base, deltas: n, entries: memo.entries + changes.count };
  }
  const base = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
  const mark: Mark = { base, field: parts.field };
  await putSnapshot(store, key, {
    parts: { head: { ...parts.head, [MARK]: mark }, field: parts.field, entries: parts.entries },
  });
  // after the full snapshot is stored: a crash before this leaves deltas whose mark no longer matches
  for (const k of await store.list(`${key}${DELTA}`)) await store.delete(k);
  return { base, deltas: 0, entries: 0 };
}

/**
 * The value stored under `key` with its deltas applied (entries set or, when `null`, removed; the deltas' other
 * fields replace the full snapshot's), without the marker. A value saved without deltas comes back as it is.
 */
export async function getSnapshot(store: StateStore, key: string): Promise<unknown> {
  const value = await store.get(key);
  const mark = markOf(value);
  if (!mark) return value;
  const out = { ...(value as Record<string, unknown>) };
  delete out[MARK];
  const entries = { ...(out[mark.field] as Record<string, unknown> | undefined) };
  for (const k of await store.list(`${key}${DELTA}`)) {
    const delta = await store.get<Record<string, unknown>>(k);
    const dm = markOf(delta);
    if (!dm || dm.base !== mark.base || dm.field !== mark.field) continue;
    for (const [f, v] of Object.entries(delta as Record<string, unknown>)) {
      if (f === MARK) continue;
      if (f !== mark.field) {
        out[f] = v;
        continue;
      }
      for (const [ek, ev] of Object.entries(v as Record<string, unknown>)) {
        if (ev === null) delete entries[ek];
        else entries[ek] = ev;
      }
    }
  }
  out[mark.field] = entries;
  return out;
}

function markOf(v: unknown): Mark | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = (v as Record<string, unknown>)[MARK] as Partial<Mark> | undefined;
  return typeof m?.base === 'string' && typeof m.field === 'string' ? (m as Mark) : undefined;
}
