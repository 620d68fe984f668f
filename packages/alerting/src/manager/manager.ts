import {
  type Alert,
  type Clock,
  type Logger,
  memoryStateStore,
  type Sink,
  type StateStore,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@argus/core';
import { AlertState } from './alert-state.js';
import { lateClock } from './clock.js';
import { type CompiledConfig, compileConfig } from './config.js';
import { type DeadLetter, Delivery, deadLetterOf, type NfRecord, type OutboxItem } from './delivery.js';
import { type AlertRecord, Dispatcher, shownResolved } from './dispatcher.js';
import { History, type HistoryEntry, type HistoryQuery } from './history.js';
import { Persist } from './persist.js';
import { SilenceBook, type SilenceInput } from './silences.js';
import { managerSink } from './sink.js';
import { emptyState, loadState } from './state.js';
import type {
  AlertManager,
  AlertManagerEvents,
  AlertManagerOptions,
  AlertView,
  GroupView,
  SilenceView,
} from './types.js';

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
  private readonly alertMap = new Map<string, AlertRecord>();
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

  constructor(private readonly o: AlertManagerOptions) {
    this.config = compileConfig(o.config);
    this.log = o.log ?? silentLogger;
    this.clock = o.clock ?? systemClock;
    this.hist = new History(o.historyLimit ?? 10_000, (chunk, entries) =>
      this.put(`am/history/${String(chunk).padStart(10, '0')}`, entries),
    );
    this.book = new SilenceBook(
      (x) => this.put(`am/silence/${x.id}`, x),
      (at, event, reason) => this.record({ at, event, reason }),
    );
    const flap =
      o.flap === false ? undefined : { windowMs: 600_000, startChanges: 6, stopChanges: 3, ...o.flap };
    this.dispatcher = new Dispatcher({
      clock: lateClock(() => this.clock),
      config: () => this.config,
      alerts: this.alertMap,
      records: this.records,
      delivery: () => this.delivery!,
      mute: { silencedBy: (labels, now) => this.book.matching(labels, now) },
      externalURL: o.externalURL ?? 'http://argus',
      saveRecord: (k) => this.put(`am/nf/${k}`, this.records.get(k)),
      dropAlert: (fp) => this.table.drop(fp),
      notified: (rec) => this.onNotified(rec),
    });
    this.table = new AlertState({
      alerts: this.alertMap,
      flap,
      now: () => this.clock.now(),
      save: (a) => this.put(`am/alert/${a.fingerprint}`, a),
      remove: (fp) => {
        this.alertMap.delete(fp);
        this.dispatcher.changed();
        this.del(`am/alert/${fp}`);
      },
      record: (e) => this.record(e),
      route: (a) => this.dispatcher.route(a),
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
    const now = this.clock.now();
    for (const al of list) this.table.ingest(al, now);
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
    const a = this.alertMap.get(fp);
    if (!a || a.endsAt !== undefined) throw new RangeError(`no firing alert with fingerprint ${fp}`);
    const now = this.clock.now();
    a.ack = { by, at: now, ...(comment ? { comment } : {}) };
    this.put(`am/alert/${fp}`, a);
    const reason = `${by}${comment ? `: ${comment}` : ''}`;
    this.record({ at: now, event: 'acked', fingerprint: fp, labels: a.labels, reason });
  }

  unack(fp: string): void {
    const a = this.alertMap.get(fp);
    if (!a?.ack) return;
    delete a.ack;
    this.put(`am/alert/${fp}`, a);
    this.record({ at: this.clock.now(), event: 'unacked', fingerprint: fp, labels: a.labels });
  }

  alerts(): AlertView[] {
    const now = this.clock.now();
    return [...this.alertMap.values()].map((a) => {
      const sil = this.book.matching(a.labels, now);
      const inh = this.dispatcher.inhibitedBy(a.labels, now);
      const muted = sil.length + inh.length > 0;
      const state = shownResolved(a, now) ? 'resolved' : muted ? 'suppressed' : 'active';
      return { ...a, status: { state, silencedBy: sil, inhibitedBy: inh } };
    });
  }

  groups(): GroupView[] {
    return [...this.dispatcher.groups.values()].map((g) => ({
      key: g.key,
      receiver: g.route.receiver,
      labels: { ...g.labels },
      alerts: [...g.fps],
    }));
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

  private del(key: string): void {
    this.persist?.del(key);
  }

  private record(e: Omit<HistoryEntry, 'seq'>): void {
    this.emit('history', this.hist.add(e));
  }

  private onNotified(rec: NfRecord): void {
    const n = rec.pending!.notification;
    this.record({
      at: n.at,
      event: 'notified',
      groupKey: n.groupKey,
      receiver: n.receiver,
      reason: n.reason,
    });
    this.emit('notification', n);
  }

  private onDelivered(rec: NfRecord, item: OutboxItem): void {
    const reason = `attempt ${item.attempts}`;
    this.record({
      at: this.clock.now(),
      event: 'delivered',
      groupKey: rec.groupKey,
      receiver: rec.receiver,
      reason,
    });
    this.emit('delivered', item.notification);
  }

  private onDeadLetter(rec: NfRecord, item: OutboxItem, reason: string): void {
    const integration = this.config.receivers.get(rec.receiver)?.notifiers?.[rec.index]?.type ?? '?';
    const d = deadLetterOf(rec, item, reason, integration, this.clock.now());
    this.dead.push(d);
    this.put(`am/dead/${d.id}`, d);
    this.record({ at: d.at, event: 'deadLetter', groupKey: rec.groupKey, receiver: rec.receiver, reason });
    this.log.warn(`alert manager: notification to ${rec.receiver} (${integration}) dead-lettered: ${reason}`);
    this.emit('deadLetter', d);
  }

  private async load(env: { clock?: Clock; state?: StateStore }): Promise<void> {
    this.clock = this.o.clock ?? env.clock ?? systemClock;
    const store = this.o.state ?? env.state ?? memoryStateStore();
    if (this.o.durable !== false) {
      this.persist = new Persist(store, (err) =>
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
    const s = this.persist ? await loadState(store) : emptyState();
    for (const a of s.alerts) this.alertMap.set(a.fingerprint, a);
    for (const [k, r] of s.records) this.records.set(k, r);
    this.book.load(s.silences);
    this.dead.push(...s.dead);
    this.hist.load(s.history);
    for (const a of this.alertMap.values()) this.dispatcher.route(a, true);
    this.dispatcher.restored();
    for (const [k, r] of this.records) if (r.pending) this.delivery.enqueue(k);
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }

  private maintain(): void {
    this.dispatcher.maintain();
    this.table.maintain(this.dispatcher.grouped(), this.clock.now());
    this.maintenance = this.clock.setTimeout(() => this.maintain(), MAINTENANCE_MS);
  }
}
