import type { Labels, Logger } from '@argus/core';
import type { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import type { CompiledConfig } from './config.js';
import { type DeadLetter, deadLetterOf } from './delivery.js';
import type { History, HistoryChunks, HistoryEvent, HistoryExtra } from './history.js';
import type { Listeners } from './listeners.js';
import type { NfRecord, OutboxItem } from './nflog.js';
import type { ManagerReports } from './parts.js';
import type { Persist } from './persist.js';
import type { AlertManagerEvents } from './types.js';

/** What the records are kept from; all of it exists before `start`. */
export interface RecordsInput {
  readonly config: CompiledConfig;
  readonly alertTable: AlertTable;
  readonly batchTime: BatchTime;
  readonly hist: History;
  readonly listeners: Listeners<AlertManagerEvents>;
  readonly log: Logger;
  /** The manager's clock, read at each call: `start` may replace it. */
  readonly now: () => number;
}

/**
 * The alert manager's records of what happened: state writes, the history, dead letters and the events that
 * announce them. The parts report here ({@link ManagerReports}); `start` attaches the store once it is open.
 */
export class ManagerRecords {
  readonly dead: DeadLetter[] = [];
  /** Set by `start` when state is durable. */
  persist: Persist | undefined;
  /** Set by `start` when state is durable: writes the history in chunks. */
  chunks: HistoryChunks | undefined;
  /** Set by `start` when investigations are on: told of every queued notification. */
  onNotifiedHook: ((rec: NfRecord) => void) | undefined;

  constructor(private readonly i: RecordsInput) {}

  put(key: string, value: unknown): void {
    this.persist?.put(key, value);
  }

  del(key: string): void {
    this.persist?.del(key);
  }

  /** Persists the alert as it is when the write happens (many changes between writes cost one). */
  saveAlert(fp: string): void {
    if (!this.persist) return;
    const t = this.i.alertTable;
    this.persist.put(`am/alert/${fp}`, () => {
      const s = t.slotOf(fp);
      return s < 0 ? undefined : t.record(s);
    });
  }

  record(at: number, event: HistoryEvent, fp?: string, labels?: Labels, extra?: HistoryExtra): void {
    const { hist, listeners } = this.i;
    const seq = hist.add(at, event, fp, labels, extra);
    this.chunks?.written(seq);
    if (!listeners.has('history')) return;
    const entry = hist.entry(seq);
    if (entry) listeners.emit('history', entry);
  }

  notified(rec: NfRecord): void {
    const n = rec.pending!.notification;
    this.record(n.at, 'notified', undefined, undefined, {
      groupKey: n.groupKey,
      receiver: n.receiver,
      reason: n.reason,
    });
    this.i.listeners.emit('notification', n);
    this.onNotifiedHook?.(rec);
  }

  delivered(rec: NfRecord, item: OutboxItem): void {
    const reason = `attempt ${item.attempts}`;
    this.record(this.i.now(), 'delivered', undefined, undefined, {
      groupKey: rec.groupKey,
      receiver: rec.receiver,
      reason,
    });
    this.i.listeners.emit('delivered', item.notification);
  }

  deadLetter(rec: NfRecord, item: OutboxItem, reason: string): void {
    const notifier = this.i.config.receivers.get(rec.receiver)?.notifiers?.[rec.index];
    const integration = notifier?.name ?? notifier?.type ?? '?';
    const d = deadLetterOf(rec, item, reason, integration, this.i.now());
    this.dead.push(d);
    this.put(`am/dead/${d.id}`, d);
    this.record(d.at, 'deadLetter', undefined, undefined, {
      groupKey: rec.groupKey,
      receiver: rec.receiver,
      reason,
    });
    this.i.log.warn(
      `alert manager: notification to ${rec.receiver} (${integration}) dead-lettered: ${reason}`,
    );
    this.i.listeners.emit('deadLetter', d);
  }

  /** The manager's side of the parts' callbacks. */
  reports(): ManagerReports {
    const { alertTable: t, batchTime, log } = this.i;
    return {
      saveRecord: (key, rec) => this.put(`am/nf/${key}`, rec),
      saveAlert: (slot) => this.saveAlert(t.fp[slot]!),
      alertRemoved: (fp) => this.del(`am/alert/${fp}`),
      alertEvent: (event, slot, reason) =>
        this.record(
          batchTime.ms,
          event,
          t.fp[slot],
          t.labels[slot],
          reason === undefined ? undefined : { reason },
        ),
      notified: (rec) => this.notified(rec),
      delivered: (rec, item) => this.delivered(rec, item),
      deadLetter: (rec, item, reason) => this.deadLetter(rec, item, reason),
      failed: (what, err) => log.error(`alert manager: ${what} failed: ${err.message}`, { error: err }),
    };
  }
}
