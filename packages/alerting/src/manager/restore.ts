import { type Clock, type Logger, memoryStateStore, type StateStore } from '@argus/core';
import type { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import type { CompiledConfig } from './config.js';
import { type History, HistoryChunks } from './history.js';
import type { Inhibitor } from './inhibit.js';
import { Journal } from './journal.js';
import { buildParts, type Parts } from './parts.js';
import { Persist } from './persist.js';
import type { ManagerRecords } from './records.js';
import type { SilenceBook } from './silences.js';
import { emptyState, stateOf } from './state.js';
import type { AlertManagerOptions, FlapOptions } from './types.js';

/** What `start` builds the running parts from: the manager's tables, settled clock and options. */
export interface RestoreInput {
  readonly clock: Clock;
  readonly store: StateStore | undefined;
  readonly config: CompiledConfig;
  readonly alertTable: AlertTable;
  readonly inhibitor: Inhibitor;
  readonly batchTime: BatchTime;
  readonly flap: Required<FlapOptions> | undefined;
  readonly book: SilenceBook;
  readonly hist: History;
  readonly log: Logger;
  readonly records: ManagerRecords;
  readonly options: AlertManagerOptions;
}

/**
 * Opens the state store (unless `durable: false`), builds the parts and loads what the store held back into
 * them: alerts, notification records, silences, dead letters and history. Pending notifications are queued
 * again. Attaches the store to `records` so later changes are written.
 */
export async function restoreParts(i: RestoreInput): Promise<Parts> {
  const { alertTable, records, book, hist, options: o } = i;
  const store = i.store ?? memoryStateStore();
  let restored: Map<string, unknown> | undefined;
  if (o.durable !== false) {
    const { journal, state } = await Journal.open(store);
    restored = state;
    records.persist = new Persist(journal, (err) =>
      i.log.warn(`alert manager: writing state to ${store.location} failed: ${err.message}`),
    );
  }
  const parts = buildParts({
    clock: i.clock,
    config: i.config,
    alertTable,
    inhibitor: i.inhibitor,
    batchTime: i.batchTime,
    flap: i.flap,
    mute: { silencedBy: (labels, now) => book.matching(labels, now) },
    options: o,
    report: records.reports(),
  });
  const s = restored ? stateOf(restored) : emptyState();
  for (const a of s.alerts) if (alertTable.slotOf(a.fingerprint) < 0) alertTable.load(a);
  for (const [k, r] of s.records) parts.nflog.restore(k, r);
  book.load(s.silences);
  records.dead.push(...s.dead);
  hist.load(s.history);
  if (records.persist) {
    const persist = records.persist;
    records.chunks = new HistoryChunks(
      hist,
      (k, v) => persist.put(k, v),
      (k) => persist.del(k),
    );
    records.chunks.restored(s.history);
  }
  parts.alertState.restored(i.clock.now());
  parts.dispatcher.restored();
  for (const k of parts.nflog.pendingKeys()) parts.delivery.enqueue(k);
  return parts;
}
