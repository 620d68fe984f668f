import type { Clock } from '@argus/core';
import { AlertRemoval } from './alert-removal.js';
import { AlertState } from './alert-state.js';
import type { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import type { CompiledConfig } from './config.js';
import { Delivery } from './delivery.js';
import { Dispatcher, type MuteCheck } from './dispatcher.js';
import type { HistoryEvent } from './history.js';
import type { Inhibitor } from './inhibit.js';
import { type NfRecord, NotificationLog, type OutboxItem } from './nflog.js';
import type { AlertManagerOptions, FlapOptions } from './types.js';

/** Where the parts report back to the manager: persistence, history and events (all exist before any part). */
export interface ManagerReports {
  saveRecord(key: string, rec: NfRecord): void;
  saveAlert(slot: number): void;
  alertRemoved(fingerprint: string): void;
  /** A history entry for the alert in `slot` at the batch time. */
  alertEvent(event: HistoryEvent, slot: number, reason?: string): void;
  notified(rec: NfRecord): void;
  delivered(rec: NfRecord, item: OutboxItem): void;
  deadLetter(rec: NfRecord, item: OutboxItem, reason: string): void;
  /** A part caught an error that is not the user's (a bug): logged, and the part goes on. */
  failed(what: string, err: Error): void;
}

/** What the parts are built from. */
export interface PartsInput {
  readonly clock: Clock;
  readonly config: CompiledConfig;
  readonly alertTable: AlertTable;
  readonly inhibitor: Inhibitor;
  readonly batchTime: BatchTime;
  readonly flap: Required<FlapOptions> | undefined;
  readonly mute: MuteCheck;
  readonly options: Pick<AlertManagerOptions, 'externalURL' | 'delivery' | 'random'>;
  readonly report: ManagerReports;
}

/** The alert manager's running parts. */
export interface Parts {
  readonly nflog: NotificationLog;
  readonly delivery: Delivery;
  readonly removal: AlertRemoval;
  readonly dispatcher: Dispatcher;
  readonly alertState: AlertState;
}

/**
 * Builds the parts in dependency order (the data path backwards): each takes only parts built before it, so no
 * part calls another through a closure bound later. The notification log is the one owner of the nflog records.
 */
export function buildParts(i: PartsInput): Parts {
  const { clock, config, alertTable, inhibitor, batchTime, report } = i;
  const nflog = new NotificationLog((key, rec) => report.saveRecord(key, rec));
  const delivery = new Delivery(
    {
      clock,
      nflog,
      receivers: config.receivers,
      delivered: (rec, item) => report.delivered(rec, item),
      deadLetter: (rec, item, reason) => report.deadLetter(rec, item, reason),
      failed: (err) => report.failed('a delivery attempt', err),
      random: i.options.random ?? Math.random,
    },
    i.options.delivery,
  );
  const removal = new AlertRemoval({
    alertTable,
    inhibitor,
    flapWindowMs: i.flap?.windowMs,
    removed: (fp) => report.alertRemoved(fp),
  });
  const dispatcher = new Dispatcher({
    clock,
    batchTime,
    config,
    alertTable,
    inhibitor,
    nflog,
    delivery,
    removal,
    mute: i.mute,
    externalURL: i.options.externalURL ?? 'http://argus',
    notified: (rec) => report.notified(rec),
    failed: (err) => report.failed('a group flush', err),
  });
  const alertState = new AlertState({
    alertTable,
    flap: i.flap,
    batchTime,
    removal,
    dispatcher,
    save: (slot) => report.saveAlert(slot),
    record: (event, slot, reason) => report.alertEvent(event, slot, reason),
  });
  return { nflog, delivery, removal, dispatcher, alertState };
}
