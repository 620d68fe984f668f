import type { Labels } from '@argus/core';

/** What happened to an alert or a group. */
export type HistoryEvent =
  | 'firing'
  | 'resolved'
  | 'flapping'
  | 'stable'
  | 'acked'
  | 'unacked'
  | 'notified'
  | 'delivered'
  | 'deadLetter'
  | 'silenced'
  | 'unsilenced';

/** One entry of the alert history. */
export interface HistoryEntry {
  readonly seq: number;
  readonly at: number;
  readonly event: HistoryEvent;
  /** The alert's fingerprint; absent for group events (notified, delivered, deadLetter). */
  readonly fingerprint?: string;
  readonly labels?: Labels;
  readonly groupKey?: string;
  readonly receiver?: string;
  /** Why, in words: the notification reason, the ack comment, the error. */
  readonly reason?: string;
}

/** A query of the alert history (`AlertManager.history`): every field narrows it. */
export interface AlertHistoryQuery {
  fingerprint?: string;
  alertname?: string;
  events?: readonly HistoryEvent[];
  /** ms since epoch, inclusive. */
  since?: number;
  /** ms since epoch, exclusive. */
  until?: number;
  /** Newest entries first, at most this many. @default 1000 */
  limit?: number;
}

/**
 * @deprecated Renamed {@link AlertHistoryQuery}: `HistoryQuery` is `@argus/store`'s series-history interface.
 */
export type HistoryQuery = AlertHistoryQuery;

/** Entries per persisted chunk. */
export const HISTORY_CHUNK = 256;

/** Every history event, in the order their codes are persisted (append only: a code must never change meaning). */
export const HISTORY_EVENTS = [
  'firing',
  'resolved',
  'flapping',
  'stable',
  'acked',
  'unacked',
  'notified',
  'delivered',
  'deadLetter',
  'silenced',
  'unsilenced',
] as const;
const EVENTS: readonly HistoryEvent[] = HISTORY_EVENTS;
const CODE = new Map(EVENTS.map((e, i) => [e, i]));

/** The rarer optional parts of an entry. */
export interface HistoryExtra {
  groupKey?: string | undefined;
  receiver?: string | undefined;
  reason?: string | undefined;
}

/**
 * The bounded history as a ring of columns: an entry costs a few array writes, and entry objects are made only
 * when asked for (a query, a listener, a persisted chunk). The ring starts small and doubles up to the limit, so
 * a large `historyLimit` costs memory only once the history is that long.
 */
export class History {
  private seqAt!: Float64Array;
  private at!: Float64Array;
  private event!: Uint8Array;
  private fp!: (string | undefined)[];
  private labels!: (Labels | undefined)[];
  /** groupKey, receiver and reason, rarer: one object when any is set. */
  private extra!: (HistoryExtra | undefined)[];
  private next = 0;
  /** Entries in the ring (at most its size). */
  private held = 0;
  /** Entries kept. */
  readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
    this.allocate(Math.min(this.limit, 1024));
  }

  /** The sequence number the next entry gets. */
  get nextSeq(): number {
    return this.next;
  }

  /** Loads persisted chunks. */
  load(chunks: HistoryEntry[][]): void {
    const all = chunks.flat().sort((a, b) => a.seq - b.seq);
    for (const e of all.slice(-this.limit)) this.put(e.seq, e.at, e.event, e.fingerprint, e.labels, e);
    this.next = (all.at(-1)?.seq ?? -1) + 1;
  }

  /** Adds an entry; returns its sequence number. */
  add(at: number, event: HistoryEvent, fp?: string, labels?: Labels, extra?: HistoryExtra): number {
    const seq = this.next++;
    this.put(seq, at, event, fp, labels, extra);
    return seq;
  }

  /** The entry `seq`, if still held. */
  entry(seq: number): HistoryEntry | undefined {
    const i = seq % this.seqAt.length;
    if (this.seqAt[i] !== seq) return undefined;
    const e: { -readonly [K in keyof HistoryEntry]: HistoryEntry[K] } = {
      seq,
      at: this.at[i]!,
      event: EVENTS[this.event[i]!]!,
    };
    const fp = this.fp[i];
    if (fp !== undefined) e.fingerprint = fp;
    const labels = this.labels[i];
    if (labels !== undefined) e.labels = labels;
    const x = this.extra[i];
    if (x?.groupKey !== undefined) e.groupKey = x.groupKey;
    if (x?.receiver !== undefined) e.receiver = x.receiver;
    if (x?.reason !== undefined) e.reason = x.reason;
    return e;
  }

  /** The entries of persisted chunk `no` still held. */
  chunk(no: number): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let seq = no * HISTORY_CHUNK; seq < (no + 1) * HISTORY_CHUNK && seq < this.next; seq++) {
      const e = this.entry(seq);
      if (e) out.push(e);
    }
    return out;
  }

  query(q: AlertHistoryQuery = {}): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const limit = q.limit ?? 1000;
    const oldest = Math.max(0, this.next - this.seqAt.length);
    for (let seq = this.next - 1; seq >= oldest && out.length < limit; seq--) {
      const i = seq % this.seqAt.length;
      if (this.seqAt[i] !== seq) continue;
      if (q.fingerprint !== undefined && this.fp[i] !== q.fingerprint) continue;
      if (q.alertname !== undefined && this.labels[i]?.['alertname'] !== q.alertname) continue;
      if (q.events && !q.events.includes(EVENTS[this.event[i]!]!)) continue;
      if (q.since !== undefined && this.at[i]! < q.since) continue;
      if (q.until !== undefined && this.at[i]! >= q.until) continue;
      out.push(this.entry(seq)!);
    }
    return out;
  }

  private put(
    seq: number,
    at: number,
    event: HistoryEvent,
    fp: string | undefined,
    labels: Labels | undefined,
    x: HistoryExtra | undefined,
  ): void {
    if (this.held === this.seqAt.length && this.held < this.limit) this.grow();
    else if (this.held < this.seqAt.length) this.held++;
    const i = seq % this.seqAt.length;
    this.seqAt[i] = seq;
    this.at[i] = at;
    this.event[i] = CODE.get(event)!;
    this.fp[i] = fp;
    this.labels[i] = labels;
    this.extra[i] =
      x && (x.groupKey !== undefined || x.receiver !== undefined || x.reason !== undefined)
        ? { groupKey: x.groupKey, receiver: x.receiver, reason: x.reason }
        : undefined;
  }

  private allocate(n: number): void {
    this.seqAt = new Float64Array(n).fill(-1);
    this.at = new Float64Array(n);
    this.event = new Uint8Array(n);
    this.fp = new Array(n);
    this.labels = new Array(n);
    this.extra = new Array(n);
  }

  /** Doubles the ring (up to the limit), moving every entry to its place in the bigger one. */
  private grow(): void {
    const old = {
      seqAt: this.seqAt,
      at: this.at,
      event: this.event,
      fp: this.fp,
      labels: this.labels,
      x: this.extra,
    };
    this.allocate(Math.min(this.limit, old.seqAt.length * 2));
    for (let j = 0; j < old.seqAt.length; j++) {
      const seq = old.seqAt[j]!;
      if (seq < 0) continue;
      const i = seq % this.seqAt.length;
      this.seqAt[i] = seq;
      this.at[i] = old.at[j]!;
      this.event[i] = old.event[j]!;
      this.fp[i] = old.fp[j];
      this.labels[i] = old.labels[j];
      this.extra[i] = old.x[j];
    }
    this.held++;
  }
}

const chunkKey = (no: number): string => `am/history/${String(no).padStart(10, '0')}`;

/**
 * The history's chunks in the state store: an entry rewrites the chunk it lands in (built when the write happens),
 * and chunks wholly older than the limit are deleted, so the store holds what memory holds.
 */
export class HistoryChunks {
  /** Chunks up to this one are deleted. */
  private deleted = -1;

  constructor(
    private readonly hist: History,
    private readonly put: (key: string, value: () => unknown) => void,
    private readonly del: (key: string) => void,
  ) {}

  /** After a restart: the oldest chunk loaded bounds what is left to delete. */
  restored(chunks: readonly HistoryEntry[][]): void {
    let first = Number.POSITIVE_INFINITY;
    for (const c of chunks) if (c[0] && c[0].seq < first) first = c[0].seq;
    this.deleted = Number.isFinite(first) ? Math.floor(first / HISTORY_CHUNK) - 1 : -1;
    this.dropStale(this.hist.nextSeq);
  }

  /** Entry `seq` was added. */
  written(seq: number): void {
    const no = Math.floor(seq / HISTORY_CHUNK);
    this.put(chunkKey(no), () => this.hist.chunk(no));
    this.dropStale(seq + 1);
  }

  private dropStale(next: number): void {
    const stale = Math.floor((next - this.hist.limit) / HISTORY_CHUNK) - 1;
    for (; this.deleted < stale; this.deleted++) this.del(chunkKey(this.deleted + 1));
  }
}
