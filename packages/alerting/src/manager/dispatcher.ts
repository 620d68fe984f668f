import { createHash } from 'node:crypto';
import type { Clock, Labels, TimerHandle } from '@argus/core';
import type { CompiledConfig, Route } from './config.js';
import type { Delivery, NfRecord } from './delivery.js';
import { Inhibitor } from './inhibit.js';
import type { NotifiedAlert, Notifier } from './model.js';
import { buildNotification, needsUpdate } from './notify-build.js';
import { groupKey, groupLabels, matchRoutes } from './routing.js';

/** One alert as the manager holds it. Times in ms since epoch. */
export interface AlertRecord {
  labels: Labels;
  annotations: Record<string, string>;
  fingerprint: string;
  startsAt: number;
  /** Set once resolved. */
  endsAt?: number;
  generatorURL?: string;
  origin: string;
  updatedAt: number;
  /** Times of recent state changes, for flap detection. */
  changes: number[];
  flapping: boolean;
  /** While flapping: the state notifications keep showing (damping). */
  frozen?: { endsAt?: number };
  ack?: { by: string; at: number; comment?: string };
}

/** An aggregation group. */
export interface Group {
  readonly key: string;
  readonly route: Route;
  readonly labels: Labels;
  readonly fps: Set<string>;
  hasFlushed: boolean;
  /** A flush at once is already scheduled. */
  dueNow?: boolean;
  timer?: TimerHandle | undefined;
}

/** What muting needs to know. */
export interface MuteCheck {
  silencedBy(labels: Labels, now: number): string[];
}

interface Deps {
  clock: Clock;
  config: () => CompiledConfig;
  alerts: Map<string, AlertRecord>;
  records: Map<string, NfRecord>;
  delivery: () => Delivery;
  mute: MuteCheck;
  externalURL: string;
  saveRecord(key: string): void;
  dropAlert(fp: string): void;
  notified(rec: NfRecord): void;
}

/** The record key of a group, receiver and integration. */
export function recordKey(groupKey: string, receiver: string, index: number): string {
  return createHash('sha256').update(`${groupKey}\u0000${receiver}\u0000${index}`).digest('hex').slice(0, 40);
}

/** A group's identity within the dispatcher: route and the values of its group-by labels (missing ≠ empty). */
function groupId(route: Route, a: AlertRecord): string {
  if (route.groupBy === 'all') return `${route.id}\u0000${a.fingerprint}`;
  let id = route.id;
  for (const l of route.groupBy) id += `\u0000${a.labels[l] ?? '\u0001'}`;
  return id;
}

/** Whether the alert shows as resolved in notifications (the frozen state while flapping). */
export function shownResolved(a: AlertRecord, now: number): boolean {
  const endsAt = a.frozen ? a.frozen.endsAt : a.endsAt;
  return endsAt !== undefined && endsAt <= now;
}

/**
 * Alertmanager's dispatcher: routes each alert to its aggregation groups, flushes a group after `group_wait`
 * and then every `group_interval`, drops silenced, inhibited and time-muted alerts, decides per integration with
 * the notification log whether to notify, and hands notifications to the outbox.
 */
export class Dispatcher {
  readonly groups: Map<string, Group> = new Map();
  private stopped = false;
  private readonly inhibitor: Inhibitor;
  /** Per fingerprint: how many groups hold it. */
  private readonly memberships = new Map<string, number>();
  private notifiedKeys: Set<string> | undefined;

  constructor(private readonly d: Deps) {
    this.inhibitor = new Inhibitor(() => d.config().inhibit, d.alerts);
  }

  /** Tells the dispatcher that alerts changed (new, resolved, re-fired or removed). */
  changed(): void {
    this.inhibitor.invalidate();
  }

  /** Puts an alert into every group its routes give; creates groups (and their timers) as needed. */
  route(a: AlertRecord, fromRestore = false): void {
    this.inhibitor.invalidate();
    const now = this.d.clock.now();
    for (const route of matchRoutes(this.d.config().root, a.labels)) {
      // siblings with equal matchers share a group key but are separate groups (Alertmanager keys groups per route);
      // the id is cheap to build, the formatted key only made when the group is new
      const id = groupId(route, a);
      let g = this.groups.get(id);
      if (!g) {
        const labels = groupLabels(route, a.labels);
        const key = groupKey(route, labels);
        g = {
          key,
          route,
          labels,
          fps: new Set(),
          hasFlushed: fromRestore && this.wasNotified(key, route.receiver),
        };
        this.groups.set(id, g);
        this.schedule(g, g.hasFlushed ? route.groupIntervalMs : route.groupWaitMs);
      }
      if (!g.fps.has(a.fingerprint)) {
        g.fps.add(a.fingerprint);
        this.memberships.set(a.fingerprint, (this.memberships.get(a.fingerprint) ?? 0) + 1);
      }
      // an alert older than group_wait makes a group that has not flushed yet flush at once (dispatch.go)
      if (!g.hasFlushed && !g.dueNow && a.startsAt + route.groupWaitMs < now) {
        g.dueNow = true;
        this.schedule(g, 0);
      }
    }
  }

  /** Removes groups left empty (Alertmanager's maintenance). */
  maintain(): void {
    for (const [k, g] of this.groups) {
      if (g.fps.size > 0) continue;
      if (g.timer) this.d.clock.clearTimeout(g.timer);
      this.groups.delete(k);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) if (g.timer) this.d.clock.clearTimeout(g.timer);
  }

  /** Whether `fp` is muted by an inhibition rule at `now`: fingerprints of the inhibiting alerts. */
  inhibitedBy(labels: Labels, now: number): string[] {
    return this.inhibitor.inhibitedBy(labels, now);
  }

  private wasNotified(key: string, receiver: string): boolean {
    // built once per restore: a scan of every record per alert would be quadratic
    this.notifiedKeys ??= new Set(
      [...this.d.records.values()].map((r) => `${r.groupKey}\u0000${r.receiver}`),
    );
    return this.notifiedKeys.has(`${key}\u0000${receiver}`);
  }

  /** Ends a restore (drops what it cached). */
  restored(): void {
    this.notifiedKeys = undefined;
  }

  /** Fingerprints held by at least one group. */
  grouped(): ReadonlySet<string> {
    return new Set(this.memberships.keys());
  }

  private schedule(g: Group, ms: number): void {
    if (this.stopped) return;
    if (g.timer) this.d.clock.clearTimeout(g.timer);
    g.timer = this.d.clock.setTimeout(() => this.flush(g), ms);
  }

  /** One flush of a group (the timer's work). */
  flush(g: Group): void {
    if (this.stopped) return;
    g.hasFlushed = true;
    const now = this.d.clock.now();
    const records = [...g.fps]
      .map((fp) => this.d.alerts.get(fp))
      .filter((a): a is AlertRecord => a !== undefined);
    if (!g.route.muted(now)) this.notify(g, records, now);
    for (const a of records) {
      if (!shownResolved(a, now)) continue;
      g.fps.delete(a.fingerprint);
      const left = (this.memberships.get(a.fingerprint) ?? 1) - 1;
      if (left > 0) {
        this.memberships.set(a.fingerprint, left);
      } else {
        this.memberships.delete(a.fingerprint);
        this.d.dropAlert(a.fingerprint);
      }
    }
    this.schedule(g, g.route.groupIntervalMs);
  }

  private notify(g: Group, records: AlertRecord[], now: number): void {
    const shown: NotifiedAlert[] = [];
    for (const a of records) {
      const muted =
        this.d.mute.silencedBy(a.labels, now).length > 0 || this.inhibitedBy(a.labels, now).length > 0;
      if (!muted) shown.push(notified(a, now));
    }
    const sets = {
      shown,
      firing: new Set(shown.filter((a) => a.status === 'firing').map((a) => a.fingerprint)),
      resolved: new Set(shown.filter((a) => a.status === 'resolved').map((a) => a.fingerprint)),
    };
    const receiver = this.d.config().receivers.get(g.route.receiver);
    for (const [index, n] of (receiver?.notifiers ?? []).entries()) this.integration(g, index, n, sets, now);
  }

  /** The dedup decision for one integration, and the nflog record with its outbox item. */
  private integration(g: Group, index: number, n: Notifier, s: Sets, now: number): void {
    const key = recordKey(g.key, g.route.receiver, index);
    const rec = this.d.records.get(key);
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
    this.d.records.set(key, next);
    this.d.saveRecord(key);
    if (notification) {
      this.d.delivery().enqueue(key);
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
function notified(a: AlertRecord, now: number): NotifiedAlert {
  const resolved = shownResolved(a, now);
  const endsAt = a.frozen ? a.frozen.endsAt : a.endsAt;
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    ...(resolved && endsAt !== undefined ? { endsAt } : {}),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    fingerprint: a.fingerprint,
    ...(a.flapping ? { flapping: true } : {}),
    ...(a.ack ? { acked: a.ack } : {}),
  };
}
