import {
  type Alert,
  ArgusError,
  type Clock,
  type Labels,
  type Logger,
  memoryStateStore,
  type Sink,
  type StateStore,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@argus/core';
import { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import { type CompiledConfig, compileConfig } from './config.js';
import { stopDeadline } from './deadline.js';
import { type DeadLetter, deadLetterOf } from './delivery.js';
import {
  History,
  HistoryChunks,
  type HistoryEntry,
  type HistoryEvent,
  type HistoryExtra,
  type HistoryQuery,
} from './history.js';
import { Inhibitor } from './inhibit.js';
import { type InvestigationOptions, type InvestigationStats, Investigations } from './investigation.js';
import { Journal } from './journal.js';
import { Listeners } from './listeners.js';
import type { NfRecord, OutboxItem } from './nflog.js';
import { buildParts, type ManagerReports, type Parts } from './parts.js';
import { Persist } from './persist.js';
import { SilenceBook, type SilenceInput } from './silences.js';
import { managerSink } from './sink.js';
import { emptyState, stateOf } from './state.js';
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
/** How long `stop()` waits for pending state writes by default. */
const STOP_TIMEOUT_MS = 5_000;

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
  private persist: Persist | undefined;
  /** Every alert the manager holds, one slot each (columns by slot). */
  private readonly alertTable = new AlertTable();
  private readonly inhibitor: Inhibitor;
  /** Written by the alert state only; see {@link BatchTime}. */
  private readonly batchTime: BatchTime = { ms: 0 };
  private readonly flap: Required<FlapOptions> | undefined;
  private readonly book: SilenceBook;
  private readonly dead: DeadLetter[] = [];
  private readonly listeners: Listeners<AlertManagerEvents>;
  private readonly hist: History;
  /** The running parts, built by `start` with the clock and store it settles on. */
  private parts: Parts | undefined;
  private started: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private maintenance: TimerHandle | undefined;
  private chunks: HistoryChunks | undefined;
  private investigating: Investigations | undefined;

  constructor(private readonly o: AlertManagerOptions) {
    this.config = compileConfig(o.config);
    this.log = o.log ?? silentLogger;
    this.clock = o.clock ?? systemClock;
    this.listeners = new Listeners('alert-manager', this.log, o.onError);
    this.hist = new History(o.historyLimit ?? 10_000);
    this.inhibitor = new Inhibitor(this.config.inhibit, this.alertTable);
    this.book = new SilenceBook(
      (x) => this.put(`am/silence/${x.id}`, x),
      (at, event, reason) => this.record(at, event, undefined, undefined, { reason }),
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

  /** Stops timers and delivery at once, then waits for state writes until the deadline. */
  private async halt(options: AlertManagerStopOptions): Promise<void> {
    if (!this.started) return;
    // a start still loading (a state store that never answers) must not hold stop past its deadline either
    const deadline = stopDeadline(this.clock, options, STOP_TIMEOUT_MS);
    try {
      // a start that failed left nothing running: stopping goes on without it
      const settled = this.started.then(
        () => true,
        () => true,
      );
      if (!(await deadline.race(settled))) {
        // the start finishes later: its timers must not outlive the stop
        void this.started.then(
          () => this.stopParts(),
          () => {},
        );
        return;
      }
      this.stopParts();
      const flushed = this.persist ? this.persist.flushed().then(() => true) : Promise.resolve(true);
      if (!(await deadline.race(flushed)))
        this.log.warn(
          'alert manager: the stop deadline passed with state writes still pending; changes not yet written are lost if the process exits now',
        );
      if (!(await deadline.race(this.closeNotifiers().then(() => true))))
        this.log.warn(
          'alert manager: the stop deadline passed while notifiers were still closing their connections',
        );
    } finally {
      deadline.clear();
    }
  }

  /** Each notifier's `close()`, once; one that fails is logged and does not keep the others open. */
  private async closeNotifiers(): Promise<void> {
    const all = [...this.config.receivers.values()].flatMap((r) => r.notifiers ?? []);
    await Promise.all(
      all.map(async (n) => {
        try {
          await n.close?.();
        } catch (err) {
          const name = n.name ?? n.type ?? '?';
          this.log.warn(`alert manager: notifier ${name} failed to close: ${(err as Error).message}`);
        }
      }),
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
    return this.persist ? this.persist.flushed() : Promise.resolve();
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
    this.saveAlert(fp);
    const reason = `${by}${comment ? `: ${comment}` : ''}`;
    this.record(now, 'acked', fp, t.labels[s], { reason });
  }

  unack(fp: string): void {
    const s = this.alertTable.slotOf(fp);
    if (s < 0 || !this.alertTable.acks.delete(s)) return;
    this.saveAlert(fp);
    this.record(this.clock.now(), 'unacked', fp, this.alertTable.labels[s]);
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
    return [...this.dead];
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

  private emit<E extends keyof AlertManagerEvents>(event: E, x: Parameters<AlertManagerEvents[E]>[0]): void {
    this.listeners.emit(event, x);
  }

  private put(key: string, value: unknown): void {
    this.persist?.put(key, value);
  }

  /** Persists the alert as it is when the write happens (many changes between writes cost one). */
  private saveAlert(fp: string): void {
    if (!this.persist) return;
    this.persist.put(`am/alert/${fp}`, () => {
      const s = this.alertTable.slotOf(fp);
      return s < 0 ? undefined : this.alertTable.record(s);
    });
  }

  private del(key: string): void {
    this.persist?.del(key);
  }

  private record(at: number, event: HistoryEvent, fp?: string, labels?: Labels, extra?: HistoryExtra): void {
    const seq = this.hist.add(at, event, fp, labels, extra);
    this.chunks?.written(seq);
    if (!this.listeners.has('history')) return;
    const entry = this.hist.entry(seq);
    if (entry) this.emit('history', entry);
  }

  private onNotified(rec: NfRecord): void {
    const n = rec.pending!.notification;
    this.record(n.at, 'notified', undefined, undefined, {
      groupKey: n.groupKey,
      receiver: n.receiver,
      reason: n.reason,
    });
    this.emit('notification', n);
    this.investigating?.notified(rec);
  }

  private onDelivered(rec: NfRecord, item: OutboxItem): void {
    const reason = `attempt ${item.attempts}`;
    this.record(this.clock.now(), 'delivered', undefined, undefined, {
      groupKey: rec.groupKey,
      receiver: rec.receiver,
      reason,
    });
    this.emit('delivered', item.notification);
  }

  private onDeadLetter(rec: NfRecord, item: OutboxItem, reason: string): void {
    const notifier = this.config.receivers.get(rec.receiver)?.notifiers?.[rec.index];
    const integration = notifier?.name ?? notifier?.type ?? '?';
    const d = deadLetterOf(rec, item, reason, integration, this.clock.now());
    this.dead.push(d);
    this.put(`am/dead/${d.id}`, d);
    this.record(d.at, 'deadLetter', undefined, undefined, {
      groupKey: rec.groupKey,
      receiver: rec.receiver,
      reason,
    });
    this.log.warn(`alert manager: notification to ${rec.receiver} (${integration}) dead-lettered: ${reason}`);
    this.emit('deadLetter', d);
  }

  private async load(env: { clock?: Clock; state?: StateStore }): Promise<void> {
    this.clock = this.o.clock ?? env.clock ?? systemClock;
    const store = this.o.state ?? env.state ?? memoryStateStore();
    let restored: Map<string, unknown> | undefined;
    if (this.o.durable !== false) {
      const { journal, state } = await Journal.open(store);
      restored = state;
      this.persist = new Persist(journal, (err) =>
        this.log.warn(`alert manager: writing state to ${store.location} failed: ${err.message}`),
      );
    }
    const parts = buildParts({
      clock: this.clock,
      config: this.config,
      alertTable: this.alertTable,
      inhibitor: this.inhibitor,
      batchTime: this.batchTime,
      flap: this.flap,
      mute: { silencedBy: (labels, now) => this.book.matching(labels, now) },
      options: this.o,
      report: this.reports(),
    });
    const s = restored ? stateOf(restored) : emptyState();
    for (const a of s.alerts) if (this.alertTable.slotOf(a.fingerprint) < 0) this.alertTable.load(a);
    for (const [k, r] of s.records) parts.nflog.restore(k, r);
    this.book.load(s.silences);
    this.dead.push(...s.dead);
    this.hist.load(s.history);
    if (this.persist) {
      const persist = this.persist;
      this.chunks = new HistoryChunks(
        this.hist,
        (k, v) => persist.put(k, v),
        (k) => persist.del(k),
      );
      this.chunks.restored(s.history);
    }
    parts.alertState.restored(this.clock.now());
    parts.dispatcher.restored();
    for (const k of parts.nflog.pendingKeys()) parts.delivery.enqueue(k);
    this.parts = parts;
    if (this.o.investigation) this.investigating = this.startInvestigations(parts, this.o.investigation);
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }

  private startInvestigations(parts: Parts, o: InvestigationOptions): Investigations {
    const t = this.alertTable;
    const deps = { clock: this.clock, log: this.log, config: this.config, alertTable: t, ...parts };
    return new Investigations(
      {
        ...deps,
        externalURL: this.o.externalURL ?? 'http://argus',
        muted: (labels, now) =>
          this.book.matching(labels, now).length > 0 || this.inhibitor.inhibitedBy(labels, now).length > 0,
        saveAlert: (slot) => this.saveAlert(t.fp[slot]!),
        notified: (rec) => this.onNotified(rec),
      },
      o,
    );
  }

  /** The manager's side of the parts' callbacks. */
  private reports(): ManagerReports {
    const t = this.alertTable;
    return {
      saveRecord: (key, rec) => this.put(`am/nf/${key}`, rec),
      saveAlert: (slot) => this.saveAlert(t.fp[slot]!),
      alertRemoved: (fp) => this.del(`am/alert/${fp}`),
      alertEvent: (event, slot, reason) =>
        this.record(
          this.batchTime.ms,
          event,
          t.fp[slot],
          t.labels[slot],
          reason === undefined ? undefined : { reason },
        ),
      notified: (rec) => this.onNotified(rec),
      delivered: (rec, item) => this.onDelivered(rec, item),
      deadLetter: (rec, item, reason) => this.onDeadLetter(rec, item, reason),
      failed: (what, err) => this.log.error(`alert manager: ${what} failed: ${err.message}`, { error: err }),
    };
  }

  private maintain(): void {
    const parts = this.parts!;
    parts.dispatcher.maintain();
    parts.alertState.maintain(this.clock.now());
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }
}
