import type { StateStore } from '@argus/core';

/** One change in a journal record: a key's new value, or its deletion. */
type Op = { k: string; v: unknown } | { k: string; d: true };

const JOURNAL = 'am/journal/';
const SNAPSHOT = 'am/snap/';
/** What the alert manager kept one key per item under, before the journal. Read once, then compacted away. */
const LEGACY = ['am/alert/', 'am/nf/', 'am/silence/', 'am/dead/', 'am/history/'];
/** Entries per snapshot part and changes per journal record: one JSON text stays far below V8's string limit. */
const PART = 5_000;

const pad = (n: number): string => String(n).padStart(10, '0');
const journalKey = (seq: number): string => `${JOURNAL}${pad(seq)}`;
const snapKey = (gen: number, name: string): string => `${SNAPSHOT}${pad(gen)}/${name}`;

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
  private readonly live = new Map<string, unknown>();
  private opsSinceSnapshot = 0;
  private obsolete: string[];

  private constructor(
    private readonly store: StateStore,
    private nextSeq: number,
    private gen: number,
    state: Map<string, unknown>,
    obsolete: string[],
  ) {
    for (const [k, v] of state) this.live.set(k, v);
    this.obsolete = obsolete;
  }

  /** Reads the state back: legacy keys, the newest complete snapshot, the journal after it. */
  static async open(store: StateStore): Promise<{ journal: Journal; state: Map<string, unknown> }> {
    const keys = await store.list('am/');
    const manifests = keys
      .filter((k) => k.startsWith(SNAPSHOT) && k.endsWith('/manifest'))
      .map((k) => Number(k.slice(SNAPSHOT.length, SNAPSHOT.length + 10)))
      .sort((a, b) => a - b);
    let gen = manifests.at(-1) ?? 0;
    const state = new Map<string, unknown>();
    const obsolete: string[] = [];
    let journalFrom = 0;
    if (manifests.length > 0) {
      const m = (await store.get<Manifest>(snapKey(gen, 'manifest')))!;
      journalFrom = m.journalFrom;
      for (let p = 0; p < m.parts; p++) {
        for (const [k, v] of (await store.get<[string, unknown][]>(snapKey(gen, `part-${p}`))) ?? [])
          state.set(k, v);
      }
    }
    const records: number[] = [];
    for (const k of keys) {
      if (k.startsWith(JOURNAL)) {
        const seq = Number(k.slice(JOURNAL.length));
        if (seq >= journalFrom) records.push(seq);
        else obsolete.push(k);
      } else if (k.startsWith(SNAPSHOT)) {
        const g = Number(k.slice(SNAPSHOT.length, SNAPSHOT.length + 10));
        // older generations, and newer ones whose manifest never got written
        if (g !== gen || manifests.length === 0) obsolete.push(k);
      } else if (LEGACY.some((p) => k.startsWith(p))) {
        if (manifests.length === 0) state.set(k, await store.get(k));
        obsolete.push(k);
      }
    }
    records.sort((a, b) => a - b);
    for (const seq of records) {
      for (const op of (await store.get<Op[]>(journalKey(seq))) ?? []) {
        if ('d' in op) state.delete(op.k);
        else state.set(op.k, op.v);
      }
    }
    const nextSeq = Math.max(journalFrom, (records.at(-1) ?? -1) + 1);
    // past every generation in the store, complete or not, so a new snapshot never mixes with an old one's parts
    for (const k of keys)
      if (k.startsWith(SNAPSHOT)) gen = Math.max(gen, Number(k.slice(SNAPSHOT.length, SNAPSHOT.length + 10)));
    const journal = new Journal(store, nextSeq, gen, state, obsolete);
    // a store read from legacy keys or with a long journal is compacted at the first write
    journal.opsSinceSnapshot = obsolete.length > 0 ? Number.POSITIVE_INFINITY : records.length;
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
    const stale = [...this.obsolete];
    this.obsolete = [];
    for (const k of await this.store.list(SNAPSHOT))
      if (!k.startsWith(`${SNAPSHOT}${pad(gen)}/`)) stale.push(k);
    for (const k of await this.store.list(JOURNAL))
      if (Number(k.slice(JOURNAL.length)) < journalFrom) stale.push(k);
    for (const k of stale) await this.store.delete(k);
  }
}
