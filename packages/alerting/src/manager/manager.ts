import {
  type Alert,
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
import { AlertState } from './alert-state.js';
import { AlertTable } from './alert-table.js';
import { lateClock } from './clock.js';
import { type CompiledConfig, compileConfig } from './config.js';
import { type DeadLetter, Delivery, deadLetterOf, type NfRecord, type OutboxItem } from './delivery.js';
import { Dispatcher } from './dispatcher.js';
import {
  History,
  HistoryChunks,
  type HistoryEntry,
  type HistoryEvent,
  type HistoryExtra,
  type HistoryQuery,
} from './history.js';
import { Journal } from './journal.js';
import { Persist } from './persist.js';
import { SilenceBook, type SilenceInput } from './silences.js';
import { managerSink } from './sink.js';
import { emptyState, stateOf } from './state.js';
import type {
  AlertManager,
  AlertManagerEvents,
  AlertManagerOptions,
  AlertView,
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
  private persist: Persist | undefined;
  private delivery: Delivery | undefined;
  private readonly t = new AlertTable();
  /** The time of the batch being ingested. */
  private readonly time = { ms: 0 };
  private readonly records = new Map<string, NfRecord>();
  private readonly book: SilenceBook;
  private readonly dead: DeadLetter[] = [];
  private readonly listeners = new Map<string, Set<(x: never) => void>>();
  private readonly hist: History;
  private readonly dispatcher: Dispatcher;
  private readonly table: AlertState;
  private started: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private maintenance: TimerHandle | undefined;
  private chunks: HistoryChunks | undefined;

  constructor(private readonly o: AlertManagerOptions) {
    this.config = compileConfig(o.config);
    this.log = o.log ?? silentLogger;
    this.clock = o.clock ?? systemClock;
    this.hist = new History(o.historyLimit ?? 10_000);
    this.book = new SilenceBook(
      (x) => this.put(`am/silence/${x.id}`, x),
      (at, event, reason) => this.record(at, event, undefined, undefined, { reason }),
    );
    const flap =
      o.flap === false ? undefined : { windowMs: 600_000, startChanges: 6, stopChanges: 3, ...o.flap };
    this.dispatcher = new Dispatcher({
      clock: lateClock(() => this.clock),
      time: this.time,
      config: () => this.config,
      table: this.t,
      records: this.records,
      delivery: () => this.delivery!,
      mute: { silencedBy: (labels, now) => this.book.matching(labels, now) },
      externalURL: o.externalURL ?? 'http://argus',
      saveRecord: (k) => this.put(`am/nf/${k}`, this.records.get(k)),
      dropAlert: (slot) => this.table.drop(slot),
      notified: (rec) => this.onNotified(rec),
    });
    this.table = new AlertState({
      table: this.t,
      flap,
      time: this.time,
      now: () => this.clock.now(),
      save: (slot) => this.saveAlert(this.t.fp[slot]!),
      remove: (slot) => {
        const fp = this.t.fp[slot]!;
        this.t.remove(slot);
        this.dispatcher.changed();
        this.del(`am/alert/${fp}`);
      },
      record: (event, slot, reason) =>
        this.record(
          this.time.ms,
          event,
          this.t.fp[slot],
          this.t.labels[slot],
          reason === undefined ? undefined : { reason },
        ),
      route: (slot) => this.dispatcher.route(slot),
    });
  }

  start(env: { clock?: Clock; state?: StateStore } = {}): Promise<void> {
    this.started ??= this.load(env);
    return this.started;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.started) return;
      await this.started;
      this.dispatcher.stop();
      this.delivery!.stop();
      if (this.maintenance) this.clock.clearTimeout(this.maintenance);
      await this.persist?.flushed();
    })();
    return this.stopping;
  }

  get isStopped(): boolean {
    return this.stopping !== undefined;
  }

  ingest(list: readonly Alert[]): void {
    if (!this.delivery) throw new Error('alert manager: call start() before ingest()');
    this.time.ms = this.clock.now();
    this.table.ingest(list);
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
    const s = this.t.slotOf(fp);
    if (s < 0 || !Number.isNaN(this.t.endsAt[s]!))
      throw new RangeError(`no firing alert with fingerprint ${fp}`);
    const now = this.clock.now();
    this.t.acks.set(s, { by, at: now, ...(comment ? { comment } : {}) });
    this.saveAlert(fp);
    const reason = `${by}${comment ? `: ${comment}` : ''}`;
    this.record(now, 'acked', fp, this.t.labels[s], { reason });
  }

  unack(fp: string): void {
    const s = this.t.slotOf(fp);
    if (s < 0 || !this.t.acks.delete(s)) return;
    this.saveAlert(fp);
    this.record(this.clock.now(), 'unacked', fp, this.t.labels[s]);
  }

  alerts(): AlertView[] {
    return alertViews(this.t, this.book, this.dispatcher, this.clock.now());
  }

  groups(): GroupView[] {
    return groupViews(this.t, this.dispatcher);
  }

  history(q?: HistoryQuery): HistoryEntry[] {
    return this.hist.query(q);
  }

  deadLetters(): DeadLetter[] {
    return [...this.dead];
  }

  queued(): Record<string, number> {
    return this.delivery?.queued() ?? {};
  }

  sink(name = 'alert-manager'): Sink {
    return managerSink(this, name);
  }

  on<E extends keyof AlertManagerEvents>(event: E, fn: AlertManagerEvents[E]): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (x: never) => void);
  }

  private emit(event: keyof AlertManagerEvents, x: unknown): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (v: unknown) => void)(x);
  }

  private put(key: string, value: unknown): void {
    this.persist?.put(key, value);
  }

  /** Persists the alert as it is when the write happens (many changes between writes cost one). */
  private saveAlert(fp: string): void {
    if (!this.persist) return;
    this.persist.put(`am/alert/${fp}`, () => {
      const s = this.t.slotOf(fp);
      return s < 0 ? undefined : this.t.record(s);
    });
  }

  private del(key: string): void {
    this.persist?.del(key);
  }

  private record(at: number, event: HistoryEvent, fp?: string, labels?: Labels, extra?: HistoryExtra): void {
    const seq = this.hist.add(at, event, fp, labels, extra);
    this.chunks?.written(seq);
    if (this.listeners.get('history')?.size) this.emit('history', this.hist.entry(seq));
  }

  private onNotified(rec: NfRecord): void {
    const n = rec.pending!.notification;
    this.record(n.at, 'notified', undefined, undefined, {
      groupKey: n.groupKey,
      receiver: n.receiver,
      reason: n.reason,
    });
    this.emit('notification', n);
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
    this.delivery = new Delivery(
      {
        clock: lateClock(() => this.clock),
        records: this.records,
        receivers: this.config.receivers,
        save: (k) =>
          this.records.get(k) ? this.put(`am/nf/${k}`, this.records.get(k)) : this.del(`am/nf/${k}`),
        delivered: (rec, item) => this.onDelivered(rec, item),
        deadLetter: (rec, item, reason) => this.onDeadLetter(rec, item, reason),
        random: this.o.random ?? Math.random,
      },
      this.o.delivery,
    );
    const s = restored ? stateOf(restored) : emptyState();
    for (const a of s.alerts) if (this.t.slotOf(a.fingerprint) < 0) this.t.load(a);
    for (const [k, r] of s.records) this.records.set(k, r);
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
    this.time.ms = this.clock.now();
    this.t.forEach((slot) => {
      this.dispatcher.route(slot, true);
    });
    this.dispatcher.restored();
    for (const [k, r] of this.records) if (r.pending) this.delivery.enqueue(k);
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }

  private maintain(): void {
    this.dispatcher.maintain();
    this.time.ms = this.clock.now();
    this.table.maintain(this.time.ms);
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }
}
