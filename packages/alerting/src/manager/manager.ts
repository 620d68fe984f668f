import {
  type Alert,
  type Clock,
  fingerprint,
  type Logger,
  memoryStateStore,
  type Sink,
  type StateStore,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@argus/core';
import { type AlertManagerConfig, type CompiledConfig, compileConfig } from './config.js';
import { type DeadLetter, Delivery, type DeliveryOptions, type NfRecord } from './delivery.js';
import { type AlertRecord, Dispatcher, shownResolved } from './dispatcher.js';
import { History, type HistoryEntry, type HistoryQuery } from './history.js';
import type { Notification } from './model.js';
import { Persist } from './persist.js';
import {
  type CompiledSilence,
  compileSilence,
  type Silence,
  type SilenceInput,
  silencedBy,
  silenceState,
} from './silences.js';
import { loadState } from './state.js';

/** Options of {@link createAlertManager}. */
export interface AlertManagerOptions {
  config: AlertManagerConfig;
  /** @default the pipeline's clock when used as a sink, else the system clock */
  clock?: Clock;
  /** Where alerts, silences, acks, the notification log and the outbox live. @default the sink's state, else memory */
  state?: StateStore;
  /** Sent as `externalURL`. @default 'http://argus' */
  externalURL?: string;
  /** Flap detection: an alert changing state `startChanges` times within `windowMs` is flapping until it changes at most `stopChanges` times within the window. `false` turns it off. */
  flap?: { windowMs?: number; startChanges?: number; stopChanges?: number } | false;
  delivery?: DeliveryOptions;
  /** History entries kept. @default 10000 */
  historyLimit?: number;
  /** Jitter source, for tests. @default Math.random */
  random?: () => number;
  log?: Logger;
}

/** An alert as listed by {@link AlertManager.alerts}, with its muting status. */
export interface AlertView extends Readonly<AlertRecord> {
  readonly status: {
    state: 'active' | 'suppressed' | 'resolved';
    silencedBy: string[];
    inhibitedBy: string[];
  };
}

/** Events of the alert manager. */
export interface AlertManagerEvents {
  notification: (n: Notification) => void;
  delivered: (n: Notification) => void;
  deadLetter: (d: DeadLetter) => void;
  history: (e: HistoryEntry) => void;
}

/** An embeddable alert manager: Alertmanager's semantics plus acks, flap detection, storm caps and history. */
export interface AlertManager {
  /** Loads durable state and starts timers and delivery. Idempotent. */
  start(env?: { clock?: Clock; state?: StateStore }): Promise<void>;
  /** Stops timers and delivery (pending notifications stay in the outbox) and waits for writes. */
  stop(): Promise<void>;
  /** Takes alert state changes (firing/resolved; pending and inactive are ignored). */
  ingest(alerts: readonly Alert[]): void;
  /** Resolves once every state change so far is durable. */
  flushed(): Promise<void>;
  silence(s: SilenceInput): string;
  expireSilence(id: string): void;
  silences(): Silence[];
  /** Acknowledges a firing alert: it stops repeating until it changes. */
  ack(fingerprint: string, by: string, comment?: string): void;
  unack(fingerprint: string): void;
  alerts(): AlertView[];
  groups(): { key: string; receiver: string; labels: Record<string, string>; alerts: string[] }[];
  history(q?: HistoryQuery): HistoryEntry[];
  deadLetters(): DeadLetter[];
  /** Pending notifications per integration lane. */
  queued(): Record<string, number>;
  /** The manager as a pipeline sink (accepts alerts; a write returns once its state is durable). */
  sink(name?: string): Sink;
  on<E extends keyof AlertManagerEvents>(event: E, fn: AlertManagerEvents[E]): void;
}

const MAINTENANCE_MS = 30_000;

/**
 * Creates an alert manager. Configure it with a TS object ({@link AlertManagerConfig}) or with an existing
 * alertmanager.yml through `loadAlertmanagerConfig`.
 * @example
 * const am = createAlertManager({ config: { route: { receiver: 'ops', groupBy: ['alertname'] },
 *   receivers: [{ name: 'ops', notifiers: [webhookNotifier({ url })] }] } });
 * createPipeline({ alerters: [rule], sinks: [am.sink()] });
 */
export function createAlertManager(options: AlertManagerOptions): AlertManager {
  const config: CompiledConfig = compileConfig(options.config);
  const log = options.log ?? silentLogger;
  let clock: Clock = options.clock ?? systemClock;
  let persist!: Persist;
  const alerts = new Map<string, AlertRecord>();
  const records = new Map<string, NfRecord>();
  const silences = new Map<string, CompiledSilence>();
  const dead: DeadLetter[] = [];
  const listeners = new Map<string, Set<(x: never) => void>>();
  const emit = (e: keyof AlertManagerEvents, x: unknown): void => {
    for (const fn of listeners.get(e) ?? []) (fn as (v: unknown) => void)(x);
  };
  const flap =
    options.flap === false
      ? undefined
      : { windowMs: 600_000, startChanges: 6, stopChanges: 3, ...options.flap };
  const history = new History(options.historyLimit ?? 10_000, (chunk, entries) =>
    persist.put(`am/history/${String(chunk).padStart(10, '0')}`, entries),
  );
  const record = (e: Omit<HistoryEntry, 'seq'>): void => emit('history', history.add(e));
  const mute = {
    silencedBy: (labels: AlertRecord['labels'], now: number) => silencedBy(silences.values(), labels, now),
  };
  let delivery!: Delivery;
  const dispatcher = new Dispatcher({
    clock: {
      now: () => clock.now(),
      setTimeout: (f, ms) => clock.setTimeout(f, ms),
      clearTimeout: (h) => clock.clearTimeout(h),
    },
    config: () => config,
    alerts,
    records,
    delivery: () => delivery,
    mute,
    externalURL: options.externalURL ?? 'http://argus',
    saveRecord: (k) => persist.put(`am/nf/${k}`, records.get(k)),
    dropAlert(fp) {
      const a = alerts.get(fp);
      // a resolved alert with recent changes is kept (out of every group) so flap detection sees it come back
      if (a && flap && a.changes.some((t) => t > clock.now() - flap.windowMs)) return;
      alerts.delete(fp);
      persist.del(`am/alert/${fp}`);
    },
    notified(rec) {
      const n = rec.pending!.notification;
      record({ at: n.at, event: 'notified', groupKey: n.groupKey, receiver: n.receiver, reason: n.reason });
      emit('notification', n);
    },
  });
  let started: Promise<void> | undefined;
  let maintenance: TimerHandle | undefined;

  const saveAlert = (a: AlertRecord): void => persist.put(`am/alert/${a.fingerprint}`, a);
  const change = (
    a: AlertRecord,
    event: 'firing' | 'resolved',
    now: number,
    wasEndsAt: number | undefined,
  ): void => {
    delete a.ack;
    if (flap) {
      a.changes = [...a.changes.filter((t) => t > now - flap.windowMs), now];
      if (!a.flapping && a.changes.length >= flap.startChanges) {
        a.flapping = true;
        a.frozen = wasEndsAt === undefined ? {} : { endsAt: wasEndsAt };
        record({
          at: now,
          event: 'flapping',
          fingerprint: a.fingerprint,
          labels: a.labels,
          reason: `${a.changes.length} changes in ${flap.windowMs} ms`,
        });
      }
    }
    record({ at: now, event, fingerprint: a.fingerprint, labels: a.labels });
    settleFlap(a, now);
    saveAlert(a);
    dispatcher.route(a);
  };
  const settleFlap = (a: AlertRecord, now: number): void => {
    if (!flap || !a.flapping) return;
    a.changes = a.changes.filter((t) => t > now - flap.windowMs);
    if (a.changes.length > flap.stopChanges) return;
    a.flapping = false;
    delete a.frozen;
    record({ at: now, event: 'stable', fingerprint: a.fingerprint, labels: a.labels });
    saveAlert(a);
  };
  const ingestOne = (al: Alert, now: number): void => {
    if (al.state !== 'firing' && al.state !== 'resolved') return;
    const fp = al.fingerprint || fingerprint(al.labels);
    let a = alerts.get(fp);
    if (al.state === 'firing') {
      if (!a) {
        a = {
          labels: al.labels,
          annotations: { ...al.annotations },
          fingerprint: fp,
          startsAt: al.startsAt,
          origin: al.origin,
          updatedAt: now,
          changes: [],
          flapping: false,
        };
        if (al.generatorURL) a.generatorURL = al.generatorURL;
        alerts.set(fp, a);
        change(a, 'firing', now, undefined);
        return;
      }
      a.annotations = { ...al.annotations };
      a.updatedAt = now;
      if (a.endsAt === undefined) {
        saveAlert(a);
        return;
      }
      const was = a.endsAt;
      delete a.endsAt;
      a.startsAt = al.startsAt;
      change(a, 'firing', now, was);
      return;
    }
    if (!a || a.endsAt !== undefined) return;
    a.endsAt = al.endsAt ?? now;
    a.updatedAt = now;
    change(a, 'resolved', now, undefined);
  };

  const manager: AlertManager = {
    start(env = {}) {
      started ??= (async () => {
        clock = options.clock ?? env.clock ?? systemClock;
        const store = options.state ?? env.state ?? memoryStateStore();
        persist = new Persist(store, (err) =>
          log.warn(`alert manager: writing state to ${store.location} failed: ${err.message}`),
        );
        delivery = new Delivery(
          {
            clock,
            records,
            receivers: config.receivers,
            save: (k) =>
              records.get(k) ? persist.put(`am/nf/${k}`, records.get(k)) : persist.del(`am/nf/${k}`),
            delivered(rec, item) {
              record({
                at: clock.now(),
                event: 'delivered',
                groupKey: rec.groupKey,
                receiver: rec.receiver,
                reason: `attempt ${item.attempts}`,
              });
              emit('delivered', item.notification);
            },
            deadLetter(rec, item, reason) {
              const d: DeadLetter = {
                id: item.id,
                receiver: rec.receiver,
                integration: config.receivers.get(rec.receiver)?.notifiers?.[rec.index]?.type ?? '?',
                groupKey: rec.groupKey,
                attempts: item.attempts,
                reason,
                at: clock.now(),
                notification: item.notification,
              };
              dead.push(d);
              persist.put(`am/dead/${d.id}`, d);
              record({
                at: d.at,
                event: 'deadLetter',
                groupKey: rec.groupKey,
                receiver: rec.receiver,
                reason,
              });
              log.warn(
                `alert manager: notification to ${rec.receiver} (${d.integration}) dead-lettered: ${reason}`,
              );
              emit('deadLetter', d);
            },
            random: options.random ?? Math.random,
          },
          options.delivery,
        );
        const s = await loadState(store);
        for (const a of s.alerts) alerts.set(a.fingerprint, a);
        for (const [k, r] of s.records) records.set(k, r);
        for (const x of s.silences) silences.set(x.id, compileSilence(x));
        dead.push(...s.dead);
        history.load(s.history);
        for (const a of alerts.values()) dispatcher.route(a, true);
        for (const [k, r] of records) if (r.pending) delivery.enqueue(k);
        const tick = (): void => {
          dispatcher.maintain();
          const now = clock.now();
          const grouped = new Set([...dispatcher.groups.values()].flatMap((g) => [...g.fps]));
          for (const a of [...alerts.values()]) {
            settleFlap(a, now);
            if (a.endsAt !== undefined && !grouped.has(a.fingerprint) && !a.flapping) {
              if (!flap || a.changes.every((t) => t <= now - flap.windowMs)) {
                alerts.delete(a.fingerprint);
                persist.del(`am/alert/${a.fingerprint}`);
              }
            }
          }
          maintenance = clock.setTimeout(tick, MAINTENANCE_MS);
        };
        maintenance = clock.setTimeout(tick, MAINTENANCE_MS);
      })();
      return started;
    },
    async stop() {
      if (!started) return;
      await started;
      dispatcher.stop();
      delivery.stop();
      if (maintenance) clock.clearTimeout(maintenance);
      await persist.flushed();
    },
    ingest(list) {
      if (!persist) throw new Error('alert manager: call start() before ingest()');
      const now = clock.now();
      for (const al of list) ingestOne(al, now);
    },
    flushed: () => (persist ? persist.flushed() : Promise.resolve()),
    silence(input) {
      const now = clock.now();
      const s = compileSilence({
        id: input.id ?? crypto.randomUUID(),
        matchers: [...input.matchers],
        startsAt: Math.max(now, input.startsAt ?? now),
        endsAt: input.endsAt,
        createdBy: input.createdBy,
        comment: input.comment,
        updatedAt: now,
      });
      silences.set(s.id, s);
      const { compiled: _c, ...plain } = s;
      persist.put(`am/silence/${s.id}`, plain);
      record({
        at: now,
        event: 'silenced',
        reason: `${s.matchers.join(',')} by ${s.createdBy}: ${s.comment}`,
      });
      return s.id;
    },
    expireSilence(id) {
      const s = silences.get(id);
      if (!s) throw new RangeError(`silence not found: ${id}`);
      const now = clock.now();
      const next = { ...s, endsAt: Math.min(s.endsAt, now), updatedAt: now };
      silences.set(id, next);
      const { compiled: _c, ...plain } = next;
      persist.put(`am/silence/${id}`, plain);
      record({ at: now, event: 'unsilenced', reason: id });
    },
    silences: () =>
      [...silences.values()].map(({ compiled: _c, ...s }) => ({ ...s, state: silenceState(s, clock.now()) })),
    ack(fp, by, comment) {
      const a = alerts.get(fp);
      if (!a || a.endsAt !== undefined) throw new RangeError(`no firing alert with fingerprint ${fp}`);
      const now = clock.now();
      a.ack = { by, at: now, ...(comment ? { comment } : {}) };
      saveAlert(a);
      record({
        at: now,
        event: 'acked',
        fingerprint: fp,
        labels: a.labels,
        reason: `${by}${comment ? `: ${comment}` : ''}`,
      });
    },
    unack(fp) {
      const a = alerts.get(fp);
      if (!a?.ack) return;
      delete a.ack;
      saveAlert(a);
      record({ at: clock.now(), event: 'unacked', fingerprint: fp, labels: a.labels });
    },
    alerts() {
      const now = clock.now();
      return [...alerts.values()].map((a) => {
        const sil = mute.silencedBy(a.labels, now);
        const inh = dispatcher.inhibitedBy(a.labels, now);
        const state = shownResolved(a, now)
          ? 'resolved'
          : sil.length + inh.length > 0
            ? 'suppressed'
            : 'active';
        return { ...a, status: { state, silencedBy: sil, inhibitedBy: inh } };
      });
    },
    groups: () =>
      [...dispatcher.groups.values()].map((g) => ({
        key: g.key,
        receiver: g.route.receiver,
        labels: { ...g.labels },
        alerts: [...g.fps],
      })),
    history: (q) => history.query(q),
    deadLetters: () => [...dead],
    queued: () => delivery.queued(),
    sink(name = 'alert-manager') {
      return {
        kind: 'sink',
        name,
        apiVersion: 1,
        accepts: ['alerts'],
        start: (ctx) => manager.start({ clock: ctx.clock, state: ctx.state }),
        async write(batch) {
          if (batch.kind === 'alerts') manager.ingest(batch.alerts);
          await manager.flushed();
          return { ok: true };
        },
        stop: () => manager.stop(),
      };
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn as (x: never) => void);
    },
  };
  return manager;
}
