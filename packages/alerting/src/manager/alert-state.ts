import { type Alert, fingerprint } from '@argus/core';
import type { AlertRemoval } from './alert-removal.js';
import type { AlertTable } from './alert-table.js';
import type { BatchTime } from './batch-time.js';
import type { Dispatcher } from './dispatcher.js';
import type { HistoryEvent } from './history.js';

/** What the alert state needs. */
export interface AlertStateDeps {
  readonly alertTable: AlertTable;
  readonly flap: { windowMs: number; startChanges: number; stopChanges: number } | undefined;
  readonly batchTime: BatchTime;
  readonly removal: AlertRemoval;
  readonly dispatcher: Dispatcher;
  /** Persists the alert in `slot`. */
  save(slot: number): void;
  /** A history entry for the alert at the batch time. */
  record(event: HistoryEvent, slot: number, reason?: string): void;
}

/**
 * Applies firing/resolved changes to the alert table (dedup by fingerprint), clears acks on change, and runs flap
 * detection — an alert changing state `startChanges` times within the window is flapping and shown frozen in the
 * state it had, until it changes at most `stopChanges` times within the window.
 */
export class AlertState {
  private readonly alertTable: AlertTable;

  constructor(private readonly d: AlertStateDeps) {
    this.alertTable = d.alertTable;
  }

  /** Applies a batch of alert changes received at `now`. */
  ingest(list: readonly Alert[], now: number): void {
    this.d.batchTime.ms = now;
    for (let i = 0; i < list.length; i++) this.one(list[i]!);
  }

  /** Routes every alert read back from the store into its groups (at `now`). */
  restored(now: number): void {
    this.d.batchTime.ms = now;
    this.alertTable.forEach((s) => {
      this.d.dispatcher.route(s, true);
    });
  }

  private one(al: Alert): void {
    const t = this.alertTable;
    const now = this.d.batchTime.ms;
    const firing = al.state === 'firing';
    if (!firing && al.state !== 'resolved') return;
    const fp = al.fingerprint || fingerprint(al.labels);
    const s = t.slotOf(fp);
    if (!firing) {
      if (s < 0 || !Number.isNaN(t.endsAt[s]!)) return;
      t.endsAt[s] = al.endsAt ?? now;
      t.updatedAt[s] = now;
      this.change(s, 'resolved', Number.NaN);
      return;
    }
    if (s < 0) {
      const fresh = t.add(al, fp);
      t.updatedAt[fresh] = now;
      this.change(fresh, 'firing', Number.NaN);
      return;
    }
    const was = t.endsAt[s]!;
    // a re-fire is a new episode: what an investigation attached to the last one no longer applies
    if (!Number.isNaN(was)) t.attached.delete(s);
    const extra = t.attached.size > 0 ? t.attached.get(s) : undefined;
    t.annotations[s] = extra ? { ...al.annotations, ...extra } : al.annotations;
    t.updatedAt[s] = now;
    if (Number.isNaN(was)) {
      this.d.save(s);
      return;
    }
    t.endsAt[s] = Number.NaN;
    t.startsAt[s] = al.startsAt;
    this.change(s, 'firing', was);
  }

  /** Ends flapping for alerts that calmed down, and forgets resolved alerts no group holds. */
  maintain(now: number): void {
    this.d.batchTime.ms = now;
    const t = this.alertTable;
    const removal = this.d.removal;
    t.forEach((s) => {
      this.settle(s, now);
      if (
        !Number.isNaN(t.endsAt[s]!) &&
        t.groupCount[s] === 0 &&
        t.flapping[s] === 0 &&
        !removal.recent(s, now)
      )
        removal.remove(s);
    });
  }

  /** `wasEndsAt`: the end time of the resolved alert that fires again (NaN otherwise). */
  private change(s: number, event: 'firing' | 'resolved', wasEndsAt: number): void {
    const t = this.alertTable;
    const now = this.d.batchTime.ms;
    if (t.acks.size > 0) t.acks.delete(s);
    const f = this.d.flap;
    if (f) {
      const n = t.noteChange(s, now, f.windowMs);
      if (t.flapping[s] === 0 && n >= f.startChanges) {
        t.flapping[s] = 1;
        t.frozen.set(s, Number.isNaN(wasEndsAt) ? {} : { endsAt: wasEndsAt });
        this.d.record('flapping', s, `${n} changes in ${f.windowMs} ms`);
      }
    }
    this.d.record(event, s);
    if (t.flapping[s] === 1) this.settle(s, now);
    this.d.save(s);
    this.d.dispatcher.route(s);
  }

  private settle(s: number, now: number): void {
    const f = this.d.flap;
    const t = this.alertTable;
    if (!f || t.flapping[s] === 0) return;
    const changes = t.changes(s).filter((x) => x > now - f.windowMs);
    t.setChanges(s, changes);
    if (changes.length > f.stopChanges) return;
    t.flapping[s] = 0;
    t.frozen.delete(s);
    this.d.record('stable', s);
    this.d.save(s);
  }
}
