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

/** A history query: every field narrows it. */
export interface HistoryQuery {
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

const CHUNK = 256;

/** The bounded, chunk-persisted history. */
export class History {
  readonly entries: HistoryEntry[] = [];
  private seq = 0;
  private chunk: HistoryEntry[] = [];
  private chunkNo = -1;

  constructor(
    private readonly limit: number,
    private readonly save: (chunk: number, entries: HistoryEntry[]) => void,
  ) {}

  /** Loads persisted chunks (in key order). */
  load(chunks: HistoryEntry[][]): void {
    for (const c of chunks) this.entries.push(...c);
    this.entries.sort((a, b) => a.seq - b.seq);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    this.seq = (this.entries.at(-1)?.seq ?? -1) + 1;
  }

  add(e: Omit<HistoryEntry, 'seq'>): HistoryEntry {
    const entry = { ...e, seq: this.seq++ };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
    const no = Math.floor(entry.seq / CHUNK);
    if (no !== this.chunkNo) {
      this.chunkNo = no;
      this.chunk = this.entries.filter((x) => Math.floor(x.seq / CHUNK) === no);
    } else {
      this.chunk.push(entry);
    }
    this.save(no, this.chunk);
    return entry;
  }

  /** Chunks that fell out of the limit, for deletion. */
  staleChunk(): number | undefined {
    const first = this.entries[0];
    return first ? Math.floor(first.seq / CHUNK) - 1 : undefined;
  }

  query(q: HistoryQuery = {}): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const limit = q.limit ?? 1000;
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (q.fingerprint !== undefined && e.fingerprint !== q.fingerprint) continue;
      if (q.alertname !== undefined && e.labels?.['alertname'] !== q.alertname) continue;
      if (q.events && !q.events.includes(e.event)) continue;
      if (q.since !== undefined && e.at < q.since) continue;
      if (q.until !== undefined && e.at >= q.until) continue;
      out.push(e);
    }
    return out;
  }
}
