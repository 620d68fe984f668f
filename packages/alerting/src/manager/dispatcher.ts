import type { Clock, Labels } from '@argus/core';
import type { AlertRemoval } from './alert-removal.js';
import type { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import type { CompiledConfig, Route } from './config.js';
import type { Delivery } from './delivery.js';
import { type Group, GroupIndex, SlotList } from './groups.js';
import type { Inhibitor } from './inhibit.js';
import type { LegacyNotifier, NotifiedAlert, Notifier } from './model.js';
import { type NfRecord, type NotificationLog, recordKey } from './nflog.js';
import { buildNotification, needsUpdate } from './notify-build.js';
import { collectRoutes, groupKey, groupLabels } from './routing.js';

/** What muting needs to know. */
export interface MuteCheck {
  silencedBy(labels: Labels, now: number): string[];
}

/** What the dispatcher needs; every part is built before it. */
export interface DispatcherDeps {
  clock: Clock;
  /** The time of the batch being ingested (read, not passed, on the per-alert path). */
  batchTime: Readonly<BatchTime>;
  config: CompiledConfig;
  alertTable: AlertTable;
  inhibitor: Inhibitor;
  nflog: NotificationLog;
  delivery: Delivery;
  removal: AlertRemoval;
  mute: MuteCheck;
  externalURL: string;
  /** A notification was decided and queued. */
  notified(rec: NfRecord): void;
  /** A flush threw (a notifier's getter, a bug): the group is still rescheduled. */
  failed(err: Error): void;
}

/** Whether the alert shows as resolved in notifications (the frozen state while flapping). */
export function shownResolved(t: AlertTable, s: number, now: number): boolean {
  const frozen = t.frozen.size > 0 ? t.frozen.get(s) : undefined;
  const endsAt = frozen ? frozen.endsAt : t.endsAt[s]!;
  return endsAt !== undefined && !Number.isNaN(endsAt) && endsAt <= now;
}

/**
 * Alertmanager's dispatcher: routes each alert to its aggregation groups, flushes a group after `group_wait`
 * and then every `group_interval`, drops silenced, inhibited and time-muted alerts, decides per integration with
 * the notification log whether to notify, and hands notifications to the outbox.
 */
export class Dispatcher {
  /** Live groups by id. */
  readonly groups: Map<number, Group> = new Map();
  private readonly index = new GroupIndex();
  private nextId = 0;
  private stopped = false;
  private notifiedKeys: Set<string> | undefined;
  /** Scratch for {@link collectRoutes}; never shrunk, so filling it allocates nothing. */
  private readonly routes: Route[] = [];

  constructor(private readonly d: DispatcherDeps) {}

  /** Puts an alert into every group its routes give; creates groups (and their timers) as needed. */
  route(s: number, fromRestore = false): void {
    this.d.inhibitor.invalidate();
    const t = this.d.alertTable;
    const labels = t.labels[s]!;
    const fp = t.fp[s]!;
    const routes = this.routes;
    const n = collectRoutes(this.d.config.root, labels, routes, 0);
    for (let i = 0; i < n; i++) {
      const route = routes[i]!;
      // siblings with equal matchers share a group key but are separate groups (Alertmanager keys groups per route)
      const g = this.index.get(route, labels, fp) ?? this.create(route, labels, fp, fromRestore);
      if (!t.inGroup(s, g.id)) {
        g.members.push(s);
        t.joinGroup(s, g.id);
      }
      // an alert older than group_wait makes a group that has not flushed yet flush at once (dispatch.go)
      if (!g.hasFlushed && !g.dueNow && t.startsAt[s]! + route.groupWaitMs < this.d.batchTime.ms) {
        g.dueNow = true;
        this.schedule(g, 0);
      }
    }
  }

  /** Removes groups left empty (Alertmanager's maintenance). */
  maintain(): void {
    for (const [id, g] of this.groups) {
      if (g.members.size > 0) continue;
      if (g.timer) this.d.clock.clearTimeout(g.timer);
      this.groups.delete(id);
      this.index.delete(g);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) if (g.timer) this.d.clock.clearTimeout(g.timer);
  }

  private create(route: Route, labels: Labels, fp: string, fromRestore: boolean): Group {
    const gl = groupLabels(route, labels);
    const key = groupKey(route, gl);
    const g: Group = {
      id: this.nextId++,
      key,
      route,
      labels: gl,
      members: new SlotList(),
      path: this.index.pathOf(route, labels, fp),
      hasFlushed: fromRestore && this.wasNotified(key, route.receiver),
      dueNow: false,
      timer: undefined,
    };
    this.groups.set(g.id, g);
    this.index.add(g);
    this.schedule(g, g.hasFlushed ? route.groupIntervalMs : route.groupWaitMs);
    return g;
  }

  private wasNotified(key: string, receiver: string): boolean {
    // built once per restore: a scan of every record per alert would be quadratic
    this.notifiedKeys ??= new Set([...this.d.nflog.values()].map((r) => `${r.groupKey}\u0000${r.receiver}`));
    return this.notifiedKeys.has(`${key}\u0000${receiver}`);
  }

  /** Ends a restore (drops what it cached). */
  restored(): void {
    this.notifiedKeys = undefined;
  }

  private schedule(g: Group, ms: number): void {
    if (this.stopped) return;
    if (g.timer) this.d.clock.clearTimeout(g.timer);
    g.timer = this.d.clock.setTimeout(() => this.flush(g), ms);
  }

  /** One flush of a group (the timer's work). Never throws: a throw would escape the timer and skip the reschedule. */
  flush(g: Group): void {
    if (this.stopped) return;
    try {
      this.flushGroup(g);
    } catch (err) {
      this.d.failed(err instanceof Error ? err : new Error(String(err)));
    }
    this.schedule(g, g.route.groupIntervalMs);
  }

  private flushGroup(g: Group): void {
    g.hasFlushed = true;
    const t = this.d.alertTable;
    const now = this.d.clock.now();
    if (!g.route.muted(now)) this.notify(g, g.members.toArray(), now);
    const gone: number[] = [];
    g.members.retain((s) => {
      if (!shownResolved(t, s, now)) return true;
      gone.push(s);
      return false;
    });
    for (const s of gone) if (t.leaveGroup(s, g.id) === 0) this.d.removal.released(s, now);
  }

  private notify(g: Group, slots: number[], now: number): void {
    const t = this.d.alertTable;
    const shown: NotifiedAlert[] = [];
    for (const s of slots) {
      const labels = t.labels[s]!;
      const muted =
        this.d.mute.silencedBy(labels, now).length > 0 ||
        this.d.inhibitor.inhibitedBy(labels, now).length > 0;
      if (!muted) shown.push(notifiedAlert(t, s, now));
    }
    // Alertmanager's pipeline stops when muting leaves no alert (notify.go MultiStage): no dedup decision and no
    // nflog entry, so alerts that come back when an inhibition or silence ends are compared with what was last
    // sent, not with an empty set
    if (shown.length === 0) return;
    const sets = {
      shown,
      firing: new Set(shown.filter((a) => a.status === 'firing').map((a) => a.fingerprint)),
      resolved: new Set(shown.filter((a) => a.status === 'resolved').map((a) => a.fingerprint)),
    };
    const receiver = this.d.config.receivers.get(g.route.receiver);
    for (const [index, n] of (receiver?.notifiers ?? []).entries()) this.integration(g, index, n, sets, now);
  }

  /** The dedup decision for one integration, and the nflog record with its outbox item. */
  private integration(g: Group, index: number, n: Notifier | LegacyNotifier, s: Sets, now: number): void {
    const key = recordKey(g.key, g.route.receiver, index);
    const rec = this.d.nflog.get(key);
    const sendResolved = n.sendResolved ?? true;
    const reason = needsUpdate(rec?.log, s.firing, s.resolved, sendResolved, g.route.repeatIntervalMs, now);
    if (!reason) return;
    // an acknowledged alert stops repeating until it changes
    if (reason === 'repeat interval elapsed' && s.shown.every((a) => a.status !== 'firing' || a.acked))
      return;
    const base = {
      receiver: g.route.receiver,
      groupKey: g.key,
      groupLabels: g.labels,
      externalURL: this.d.externalURL,
      at: now,
    };
    // resolved alerts of a notification still waiting in the outbox are carried over: it is superseded, not lost
    const carried = (rec?.pending?.notification.alerts ?? []).filter(
      (a) => a.status === 'resolved' && !s.firing.has(a.fingerprint) && !s.resolved.has(a.fingerprint),
    );
    const notification = buildNotification(
      base,
      [...s.shown, ...carried],
      reason,
      sendResolved,
      n.maxAlerts ?? 0,
    );
    const log = { firing: [...s.firing].sort(), resolved: [...s.resolved].sort(), at: now };
    const next: NfRecord = { groupKey: g.key, receiver: g.route.receiver, index, log };
    if (notification) {
      const firstAt = rec?.pending?.firstAt ?? now;
      next.pending = { id: `${key.slice(0, 12)}-${now}`, notification, attempts: 0, nextAt: now, firstAt };
    } else if (rec?.pending) {
      next.pending = rec.pending;
    }
    this.d.nflog.write(key, next);
    if (notification) {
      this.d.delivery.enqueue(key);
      this.d.notified(next);
    }
  }
}

interface Sets {
  shown: NotifiedAlert[];
  firing: Set<string>;
  resolved: Set<string>;
}

/** An alert as a notification shows it (frozen while flapping). */
export function notifiedAlert(t: AlertTable, s: number, now: number): NotifiedAlert {
  const resolved = shownResolved(t, s, now);
  const frozen = t.frozen.get(s);
  const endsAt = frozen ? frozen.endsAt : t.endsAt[s]!;
  const url = t.generatorURL[s];
  const ack = t.acks.get(s);
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: t.labels[s]!,
    annotations: t.annotations[s]!,
    startsAt: t.startsAt[s]!,
    ...(resolved && endsAt !== undefined ? { endsAt } : {}),
    ...(url ? { generatorURL: url } : {}),
    fingerprint: t.fp[s]!,
    ...(t.flapping[s] === 1 ? { flapping: true } : {}),
    ...(ack ? { acked: ack } : {}),
  };
}
