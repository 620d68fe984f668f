import { type Alert, fingerprint } from '@argus/core';
import type { AlertRecord } from './dispatcher.js';
import type { HistoryEntry } from './history.js';

/** What the alert table needs from the manager. */
export interface AlertStateDeps {
  readonly alerts: Map<string, AlertRecord>;
  readonly flap: { windowMs: number; startChanges: number; stopChanges: number } | undefined;
  now(): number;
  save(a: AlertRecord): void;
  remove(fp: string): void;
  record(e: Omit<HistoryEntry, 'seq'>): void;
  route(a: AlertRecord): void;
}

/**
 * The alert table: applies firing/resolved changes (dedup by fingerprint), clears acks on change, and runs flap
 * detection — an alert changing state `startChanges` times within the window is flapping and shown frozen in the
 * state it had, until it changes at most `stopChanges` times within the window.
 */
export class AlertState {
  constructor(private readonly d: AlertStateDeps) {}

  ingest(al: Alert, now: number): void {
    if (al.state !== 'firing' && al.state !== 'resolved') return;
    const fp = al.fingerprint || fingerprint(al.labels);
    const a = this.d.alerts.get(fp);
    if (al.state === 'resolved') {
      if (!a || a.endsAt !== undefined) return;
      a.endsAt = al.endsAt ?? now;
      a.updatedAt = now;
      this.change(a, 'resolved', now, undefined);
      return;
    }
    if (!a) {
      const fresh: AlertRecord = {
        labels: al.labels,
        annotations: { ...al.annotations },
        fingerprint: fp,
        startsAt: al.startsAt,
        origin: al.origin,
        updatedAt: now,
        changes: [],
        flapping: false,
        ...(al.generatorURL ? { generatorURL: al.generatorURL } : {}),
      };
      this.d.alerts.set(fp, fresh);
      this.change(fresh, 'firing', now, undefined);
      return;
    }
    a.annotations = { ...al.annotations };
    a.updatedAt = now;
    if (a.endsAt === undefined) {
      this.d.save(a);
      return;
    }
    const was = a.endsAt;
    delete a.endsAt;
    a.startsAt = al.startsAt;
    this.change(a, 'firing', now, was);
  }

  /** Ends flapping for alerts that calmed down, and forgets resolved alerts no group holds. */
  maintain(grouped: ReadonlySet<string>, now: number): void {
    for (const a of [...this.d.alerts.values()]) {
      this.settle(a, now);
      if (a.endsAt !== undefined && !grouped.has(a.fingerprint) && !a.flapping && !this.recent(a, now)) {
        this.d.remove(a.fingerprint);
      }
    }
  }

  /** Called when no group holds a resolved alert any more. */
  drop(fp: string): void {
    const a = this.d.alerts.get(fp);
    // a resolved alert with recent changes is kept (out of every group) so flap detection sees it come back
    if (a && this.recent(a, this.d.now())) return;
    this.d.remove(fp);
  }

  private recent(a: AlertRecord, now: number): boolean {
    const f = this.d.flap;
    return f !== undefined && a.changes.some((t) => t > now - f.windowMs);
  }

  private change(
    a: AlertRecord,
    event: 'firing' | 'resolved',
    now: number,
    wasEndsAt: number | undefined,
  ): void {
    delete a.ack;
    const f = this.d.flap;
    if (f) {
      a.changes = [...a.changes.filter((t) => t > now - f.windowMs), now];
      if (!a.flapping && a.changes.length >= f.startChanges) {
        a.flapping = true;
        a.frozen = wasEndsAt === undefined ? {} : { endsAt: wasEndsAt };
        const reason = `${a.changes.length} changes in ${f.windowMs} ms`;
        this.d.record({ at: now, event: 'flapping', fingerprint: a.fingerprint, labels: a.labels, reason });
      }
    }
    this.d.record({ at: now, event, fingerprint: a.fingerprint, labels: a.labels });
    this.settle(a, now);
    this.d.save(a);
    this.d.route(a);
  }

  private settle(a: AlertRecord, now: number): void {
    const f = this.d.flap;
    if (!f || !a.flapping) return;
    a.changes = a.changes.filter((t) => t > now - f.windowMs);
    if (a.changes.length > f.stopChanges) return;
    a.flapping = false;
    delete a.frozen;
    this.d.record({ at: now, event: 'stable', fingerprint: a.fingerprint, labels: a.labels });
    this.d.save(a);
  }
}
