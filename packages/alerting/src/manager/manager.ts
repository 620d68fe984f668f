import {
  type Alert,
  ArgusError,
  type Clock,
  type Logger,
  type Sink,
  type StateStore,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@argus/core';
import { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import { type CompiledConfig, compileConfig } from './config.js';
import type { DeadLetter } from './delivery.js';
import { History, type HistoryEntry, type HistoryQuery } from './history.js';
import { Inhibitor } from './inhibit.js';
import { type InvestigationOptions, type InvestigationStats, Investigations } from './investigation.js';
import { Listeners } from './listeners.js';
import type { Parts } from './parts.js';
import { ManagerRecords } from './records.js';
import { restoreParts } from './restore.js';
import { shutdown } from './shutdown.js';
import { SilenceBook, type SilenceInput } from './silences.js';
import { managerSink } from './sink.js';
import type {
  AlertManager,
  AlertManagerEvents,
  AlertManagerOptions,
  AlertManagerStopOptions,
  AlertView,
  FlapOptions,
  GroupView,
  SilenceView,
} from './types.js';
import { alertViews, groupViews } from './views.js';

const MAINTENANCE_MS = 30_000;

/**
 * Creates an alert manager. Configure it with a TS object ({@link AlertManagerConfig}) or with an existing
 * alertmanager.yml through `loadAlertmanagerConfig`. Throws `ERR_PLUGIN_OPTIONS` naming the field of a bad config.
 * @example
 * const am = createAlertManager({ config: { route: { receiver: 'ops', groupBy: ['alertname'] },
 *   receivers: [{ name: 'ops', notifiers: [webhookNotifier({ url })] }] } });
 * createPipeline({ alerters: [rule], sinks: [am.sink()] });
 */
export function createAlertManager(options: AlertManagerOptions): AlertManager {
  return new Manager(options);
}

class Manager implements AlertManager {
  private readonly config: CompiledConfig;
  private readonly log: Logger;
  private clock: Clock;
  /** Every alert the manager holds, one slot each (columns by slot). */
  private readonly alertTable = new AlertTable();
  private readonly inhibitor: Inhibitor;
  /** Written by the alert state only; see {@link BatchTime}. */
  private readonly batchTime: BatchTime = { ms: 0 };
  private readonly flap: Required<FlapOptions> | undefined;
  private readonly book: SilenceBook;
  private readonly listeners: Listeners<AlertManagerEvents>;
  private readonly hist: History;
  /** State writes, history, dead letters and the events announcing them. */
  private readonly records: ManagerRecords;
  /** The running parts, built by `start` with the clock and store it settles on. */
  private parts: Parts | undefined;
  private started: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private maintenance: TimerHandle | undefined;
  private investigating: Investigations | undefined;

  constructor(private readonly o: AlertManagerOptions) {
    this.config = compileConfig(o.config);
    this.log = o.log ?? silentLogger;
    this.clock = o.clock ?? systemClock;
    this.listeners = new Listeners('alert-manager', this.log, o.onError);
    this.hist = new History(o.historyLimit ?? 10_000);
    this.inhibitor = new Inhibitor(this.config.inhibit, this.alertTable);
    this.records = new ManagerRecords({
      config: this.config,
      alertTable: this.alertTable,
      batchTime: this.batchTime,
      hist: this.hist,
      listeners: this.listeners,
      log: this.log,
      now: () => this.clock.now(),
    });
    this.book = new SilenceBook(
      (x) => this.records.put(`am/silence/${x.id}`, x),
      (at, event, reason) => this.records.record(at, event, undefined, undefined, { reason }),
    );
    this.flap =
      o.flap === false ? undefined : { windowMs: 600_000, startChanges: 6, stopChanges: 3, ...o.flap };
  }

  start(env: { clock?: Clock; state?: StateStore } = {}): Promise<void> {
    this.started ??= this.load(env);
    return this.started;
  }

  stop(options: AlertManagerStopOptions = {}): Promise<void> {
    this.stopping ??= this.halt(options);
    return this.stopping;
  }

  private async halt(options: AlertManagerStopOptions): Promise<void> {
    if (!this.started) return;
    const { clock, log, config, records } = this;
    await shutdown(
      {
        started: this.started,
        clock,
        log,
        config,
        persist: () => records.persist,
        stopParts: () => this.stopParts(),
      },
      options,
    );
  }

  private stopParts(): void {
    this.investigating?.stop();
    this.parts?.dispatcher.stop();
    this.parts?.delivery.stop();
    if (this.maintenance) this.clock.clearTimeout(this.maintenance);
  }

  get isStopped(): boolean {
    return this.stopping !== undefined;
  }

  ingest(list: readonly Alert[]): void {
    if (!this.parts)
      throw new ArgusError(
        'ERR_PIPELINE_STATE',
        'alert manager: ingest() called before start(); await start() first',
      );
    this.parts.alertState.ingest(list, this.clock.now());
  }

  flushed(): Promise<void> {
    return this.records.persist ? this.records.persist.flushed() : Promise.resolve();
  }

  silence(input: SilenceInput): string {
    return this.book.add(input, this.clock.now());
  }

  expireSilence(id: string): void {
    this.book.expire(id, this.clock.now());
  }

  silences(): SilenceView[] {
    return this.book.list(this.clock.now());
  }

  ack(fp: string, by: string, comment?: string): void {
    const t = this.alertTable;
    const s = t.slotOf(fp);
    if (s < 0 || !Number.isNaN(t.endsAt[s]!))
      throw new ArgusError(
        'ERR_INVALID_ARGUMENT',
        `alert manager ack(): fingerprint: no firing alert has fingerprint ${JSON.stringify(fp)}; take one from alerts()`,
      );
    const now = this.clock.now();
    t.acks.set(s, { by, at: now, ...(comment ? { comment } : {}) });
    this.records.saveAlert(fp);
    const reason = `${by}${comment ? `: ${comment}` : ''}`;
    this.records.record(now, 'acked', fp, t.labels[s], { reason });
  }

  unack(fp: string): void {
    const s = this.alertTable.slotOf(fp);
    if (s < 0 || !this.alertTable.acks.delete(s)) return;
    this.records.saveAlert(fp);
    this.records.record(this.clock.now(), 'unacked', fp, this.alertTable.labels[s]);
  }

  alerts(): AlertView[] {
    return alertViews(this.alertTable, this.book, this.inhibitor, this.clock.now());
  }

  groups(): GroupView[] {
    return this.parts ? groupViews(this.alertTable, this.parts.dispatcher) : [];
  }

  history(q?: HistoryQuery): HistoryEntry[] {
    return this.hist.query(q);
  }

  deadLetters(): DeadLetter[] {
    return [...this.records.dead];
  }

  investigations(): InvestigationStats {
    const none = { started: 0, followUps: 0, unanswered: 0, stale: 0, skipped: 0, inFlight: 0 };
    return this.investigating?.stats ?? none;
  }

  queued(): Record<string, number> {
    return this.parts?.delivery.queued() ?? {};
  }

  sink(name = 'alert-manager'): Sink {
    return managerSink(this, name);
  }

  on<E extends keyof AlertManagerEvents>(event: E, fn: AlertManagerEvents[E]): void {
    this.listeners.on(event, fn);
  }

  off<E extends keyof AlertManagerEvents>(event: E, fn: AlertManagerEvents[E]): void {
    this.listeners.off(event, fn);
  }

  get listenerErrors(): number {
    return this.listeners.errors;
  }

  private async load(env: { clock?: Clock; state?: StateStore }): Promise<void> {
    this.clock = this.o.clock ?? env.clock ?? systemClock;
    const parts = await restoreParts({
      clock: this.clock,
      store: this.o.state ?? env.state,
      config: this.config,
      alertTable: this.alertTable,
      inhibitor: this.inhibitor,
      batchTime: this.batchTime,
      flap: this.flap,
      book: this.book,
      hist: this.hist,
      log: this.log,
      records: this.records,
      options: this.o,
    });
    this.parts = parts;
    if (this.o.investigation) this.investigating = this.startInvestigations(parts, this.o.investigation);
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }

  private startInvestigations(parts: Parts, o: InvestigationOptions): Investigations {
    const t = this.alertTable;
    const deps = { clock: this.clock, log: this.log, config: this.config, alertTable: t, ...parts };
    const investigations = new Investigations(
      {
        ...deps,
        externalURL: this.o.externalURL ?? 'http://argus',
        muted: (labels, now) =>
          this.book.matching(labels, now).length > 0 || this.inhibitor.inhibitedBy(labels, now).length > 0,
        saveAlert: (slot) => this.records.saveAlert(t.fp[slot]!),
        notified: (rec) => this.records.notified(rec),
      },
      o,
    );
    this.records.onNotifiedHook = (rec) => investigations.notified(rec);
    return investigations;
  }

  private maintain(): void {
    const parts = this.parts!;
    parts.dispatcher.maintain();
    parts.alertState.maintain(this.clock.now());
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }
}
