import { createHash } from 'node:crypto';
import type { Notification } from './model.js';
import type { NflogEntry } from './notify-build.js';

/** A notification waiting in the outbox. */
export interface OutboxItem {
  id: string;
  notification: Notification;
  attempts: number;
  nextAt: number;
  firstAt: number;
  lastError?: string;
}

/** The durable record per group, receiver and integration: the nflog entry and the outbox item, stored together. */
export interface NfRecord {
  groupKey: string;
  receiver: string;
  index: number;
  log: NflogEntry;
  pending?: OutboxItem;
}

/** The record key of a group, receiver and integration. */
export function recordKey(groupKey: string, receiver: string, index: number): string {
  return createHash('sha256').update(`${groupKey}\u0000${receiver}\u0000${index}`).digest('hex').slice(0, 40);
}

/**
 * Alertmanager's notification log plus the outbox: one record per group, receiver and integration, saying what was
 * last notified and which notification still waits to be sent. The one owner of these records: the dispatcher
 * writes its decisions here, delivery settles outbox items here, and every change is persisted from here.
 */
export class NotificationLog {
  private readonly records = new Map<string, NfRecord>();

  /** `persist(key, record)`: stores a changed record (write-behind). */
  constructor(private readonly persist: (key: string, rec: NfRecord) => void) {}

  get(key: string): NfRecord | undefined {
    return this.records.get(key);
  }

  /** Every record (for a restore's lookups). */
  values(): IterableIterator<NfRecord> {
    return this.records.values();
  }

  /** Keys of the records with an outbox item waiting. */
  pendingKeys(): string[] {
    const out: string[] = [];
    for (const [k, r] of this.records) if (r.pending) out.push(k);
    return out;
  }

  /** Puts a record read back from the store (it is durable already). */
  restore(key: string, rec: NfRecord): void {
    this.records.set(key, rec);
  }

  /** The dispatcher's decision for a group and integration: replaces the record and stores it. */
  write(key: string, rec: NfRecord): void {
    this.records.set(key, rec);
    this.persist(key, rec);
  }

  /** Stores a record whose outbox item delivery changed (sent, retried, given up). */
  changed(key: string): void {
    const rec = this.records.get(key);
    if (rec) this.persist(key, rec);
  }
}
