import { ArgusError, type StateStore } from '@argus/core';

/** One change in a journal record: a key's new value, or its deletion. */
type Op = { k: string; v: unknown } | { k: string; d: true };

const JOURNAL = 'am/journal/';
const SNAPSHOT = 'am/snap/';
/** What the alert manager kept one key per item under, before the journal. Read once, then compacted away. */
const LEGACY = ['am/alert/', 'am/nf/', 'am/silence/', 'am/dead/', 'am/history/'];
/** Entries per snapshot part and changes per journal record: one JSON text stays far below V8's string limit. */
const PART = 5_000;

/** Where the format version lives: `{ version }`. State without it was written by 1.0: format 1, the same layout. */
const FORMAT_KEY = 'am/format';
/** The state layout this release writes and the newest it reads. */
export const AM_STATE_FORMAT = 1;

const pad = (n: number): string => String(n).padStart(10, '0');
const journalKey = (seq: number): string => `${JOURNAL}${pad(seq)}`;
const snapKey = (gen: number, name: string): string => `${SNAPSHOT}${pad(gen)}/${name}`;
/** The generation of a snapshot key. */
const genOf = (key: string): number => Number(key.slice(SNAPSHOT.length, SNAPSHOT.length + 10));

interface Manifest {
  parts: number;
  /** Journal records from this one on apply on top of the snapshot. */
  journalFrom: number;
}

/**
 * The alert manager's state in a {@link StateStore} as a journal and snapshots: every flush writes all its
 * changes as one record (one file, one fsync in the file store, however many alerts changed), and once the
 * journal holds about as many changes as there are keys, the live state is written as a snapshot in parts, a
 * manifest last, and the records it covers are deleted. Loading reads the newest complete snapshot and the records
 * after it; a snapshot without its manifest (a crash mid-way) is ignored and deleted.
 */
export class Journal {
  /** The latest value (or a function building it) of every live key: what a snapshot writes. */
  private readonly live: Map<string, unknown>;
  private opsSinceSnapshot: number;
  /** Keys of the earlier one-key-per-item layout, deleted by the next snapshot. */
  private legacy: string[];

  private constructor(
    private readonly store: StateStore,
    private nextSeq: number,
    private gen: number,
    state: Map<string, unknown>,
    legacy: string[],
    opsSinceSnapshot: number,
  ) {
    this.live = new Map(state);
    this.legacy = legacy;
    this.opsSinceSnapshot = opsSinceSnapshot;
  }

  /** Reads the state back: legacy keys, the newest complete snapshot, the journal after it. */
  static async open(store: StateStore): Promise<{ journal: Journal; state: Map<string, unknown> }> {
    const keys = await store.list('am/');
    await checkFormat(store, keys.includes(FORMAT_KEY));
    const snapKeys = keys.filter((k) => k.startsWith(SNAPSHOT));
    const complete = snapKeys.filter((k) => k.endsWith('/manifest')).map(genOf);
    const gen = complete.length > 0 ? Math.max(...complete) : undefined;
    const state = new Map<string, unknown>();
    let journalFrom = 0;
    if (gen !== undefined) {
      const m = (await store.get<Manifest>(snapKey(gen, 'manifest')))!;
      journalFrom = m.journalFrom;
      for (let p = 0; p < m.parts; p++) {
        for (const [k, v] of (await store.get<[string, unknown][]>(snapKey(gen, `part-${p}`))) ?? [])
          state.set(k, v);
      }
    }
    const legacy = keys.filter((k) => LEGACY.some((p) => k.startsWith(p)));
    // a snapshot covers the legacy keys it was made after; without one they are the base state
    if (gen === undefined) for (const k of legacy) state.set(k, await store.get(k));
    const all = keys.filter((k) => k.startsWith(JOURNAL)).map((k) => Number(k.slice(JOURNAL.length)));
    const records = all.filter((seq) => seq >= journalFrom).sort((a, b) => a - b);
    let ops = 0;
    for (const seq of records) {
      for (const op of (await store.get<Op[]>(journalKey(seq))) ?? []) {
        ops++;
        if ('d' in op) state.delete(op.k);
        else state.set(op.k, op.v);
      }
    }
    // anything a snapshot would delete (legacy keys, covered records, other generations) makes the first write one
    const leftovers =
      legacy.length > 0 || all.length > records.length || snapKeys.some((k) => genOf(k) !== gen);
    const journal = new Journal(
      store,
      Math.max(journalFrom, (records.at(-1) ?? -1) + 1),
      // past every generation in the store, complete or not, so a new snapshot never mixes with an old one's parts
      Math.max(0, ...snapKeys.map(genOf)),
      state,
      legacy,
      leftovers ? Number.POSITIVE_INFINITY : ops,
    );
    return { journal, state };
  }

  /**
   * Writes one flush's changes (values may be functions, built now; `undefined` from one deletes the key), as one
   * record per 5,000 changes.
   */
  async write(changes: Map<string, unknown>, deleted: symbol): Promise<void> {
    const ops: Op[] = [];
    for (const [k, pending] of changes) {
      const v =
        pending === deleted
          ? undefined
          : typeof pending === 'function'
            ? (pending as () => unknown)()
            : pending;
      if (v === undefined) {
        this.live.delete(k);
        ops.push({ k, d: true });
      } else {
        this.live.set(k, pending);
        ops.push({ k, v });
      }
    }
    for (let i = 0; i < ops.length; i += PART)
      await this.store.put(journalKey(this.nextSeq++), ops.slice(i, i + PART));
    this.opsSinceSnapshot += ops.length;
    // amortised: a snapshot rewrites every key, so it waits until the journal has as many changes as there are keys
    if (this.opsSinceSnapshot >= Math.max(1_000, this.live.size)) await this.snapshot();
  }

  private async snapshot(): Promise<void> {
    const gen = this.gen + 1;
    const entries: [string, unknown][] = [];
    for (const [k, pending] of this.live) {
      const v = typeof pending === 'function' ? (pending as () => unknown)() : pending;
      if (v !== undefined) entries.push([k, v]);
    }
    const parts = Math.ceil(entries.length / PART);
    for (let p = 0; p < parts; p++)
      await this.store.put(snapKey(gen, `part-${p}`), entries.slice(p * PART, (p + 1) * PART));
    const journalFrom = this.nextSeq;
    await this.store.put(snapKey(gen, 'manifest'), { parts, journalFrom } satisfies Manifest);
    // the manifest is the commit point: every other generation and the records it covers can go
    this.gen = gen;
    this.opsSinceSnapshot = 0;
    const stale = this.legacy;
    this.legacy = [];
    for (const k of await this.store.list(SNAPSHOT))
      if (!k.startsWith(`${SNAPSHOT}${pad(gen)}/`)) stale.push(k);
    for (const k of await this.store.list(JOURNAL))
      if (Number(k.slice(JOURNAL.length)) < journalFrom) stale.push(k);
    for (const k of stale) await this.store.delete(k);
  }
}

/** Refuses state written in a newer format; marks state without a version (1.0's, or none yet) as this format. */
async function checkFormat(store: StateStore, marked: boolean): Promise<void> {
  const version = marked ? (await store.get<{ version?: unknown }>(FORMAT_KEY))?.version : undefined;
  if (typeof version === 'number' && version > AM_STATE_FORMAT)
    throw new ArgusError(
      'ERR_FORMAT_VERSION',
      `alert manager: the state in ${store.location} is format ${version}, written by a newer @argus/alerting; this one reads formats up to ${AM_STATE_FORMAT}. Upgrade @argus/alerting, or give the alert manager another state store to start afresh`,
    );
  if (version === undefined) await store.put(FORMAT_KEY, { version: AM_STATE_FORMAT });
}
