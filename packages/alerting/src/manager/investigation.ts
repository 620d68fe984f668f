// Background investigations (HolmesGPT's idea, without tool calls): when a group notifies new firing alerts, a
// user-supplied investigator (e.g. an Ollama model, see @argus/detector-ollama) runs on its own, off every timer
// path. Its annotations are attached to the alerts and sent once as a follow-up notification of the same group.
// The follow-up has its own notification-log record, so it never touches the group's dedup record: it is not a
// repeat and does not move repeat_interval.
import type { Clock, Labels, Logger } from '@argus/core';
import type { AlertTable } from './alert-table.js';
import type { CompiledConfig } from './config.js';
import type { Delivery } from './delivery.js';
import { notifiedAlert, shownResolved } from './dispatcher.js';
import type { NotifiedAlert } from './model.js';
import { type NfRecord, type NotificationLog, recordKey } from './nflog.js';
import { buildNotification } from './notify-build.js';

/** What an investigator is given: the group whose notification announced new firing alerts. */
export interface InvestigationInput {
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Labels;
  /** The firing alerts not investigated before (as the notification showed them). */
  readonly alerts: readonly NotifiedAlert[];
}

/**
 * Investigates one group and returns annotations to attach to its alerts, or `undefined` when it has nothing
 * (model down, over budget, invalid answer). Must stop when `signal` aborts; a throw counts as no answer.
 */
export type Investigator = (
  input: InvestigationInput,
  ctx: { readonly signal: AbortSignal },
) => Promise<Readonly<Record<string, string>> | undefined>;

/** The alert manager's `investigation` option. */
export interface InvestigationOptions {
  readonly investigate: Investigator;
  /** Deadline of one investigation; local models are slow. @default 300000 */
  readonly timeoutMs?: number;
  /** Investigations running at once; a group notified while all are busy is skipped (counted). @default 4 */
  readonly maxInFlight?: number;
}

/** Counts of background investigations since start. */
export interface InvestigationStats {
  readonly started: number;
  /** Follow-up notifications queued (one per group investigation, for every integration of its receiver). */
  readonly followUps: number;
  /** The investigator had no answer (undefined, threw, or timed out): no follow-up. */
  readonly unanswered: number;
  /** Every investigated alert resolved (or was muted) before the answer came: no follow-up. */
  readonly stale: number;
  /** Not started: `maxInFlight` investigations were running. */
  readonly skipped: number;
  readonly inFlight: number;
}

/** What the investigations need from the manager; built after the parts. */
export interface InvestigationDeps {
  clock: Clock;
  log: Logger;
  config: CompiledConfig;
  alertTable: AlertTable;
  nflog: NotificationLog;
  delivery: Delivery;
  externalURL: string;
  muted(labels: Labels, now: number): boolean;
  saveAlert(slot: number): void;
  /** A follow-up was queued (history and the `notification` event). */
  notified(rec: NfRecord): void;
}

/** The reason a follow-up notification carries. */
export const FOLLOW_UP = 'investigation follow-up';

/** The key of an alert's firing episode: a re-fire after a resolve is investigated again. */
const episode = (a: { fingerprint: string; startsAt: number }): string => `${a.fingerprint}@${a.startsAt}`;

function whenAborted(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
}

/** Runs investigations and queues their follow-ups; see the file comment. */
export class Investigations {
  private readonly running = new Map<string, AbortController>();
  private readonly counts = { started: 0, followUps: 0, unanswered: 0, stale: 0, skipped: 0 };
  private stopped = false;
  /** One warning per run of unanswered investigations: a model that is down must not flood the log. */
  private quiet = false;

  constructor(
    private readonly d: InvestigationDeps,
    private readonly o: InvestigationOptions,
  ) {}

  get stats(): InvestigationStats {
    return { ...this.counts, inFlight: this.running.size };
  }

  /** Called for every queued notification: starts an investigation when it shows alerts not investigated yet. */
  notified(rec: NfRecord): void {
    const n = rec.pending?.notification;
    if (!n || n.reason === FOLLOW_UP || this.stopped) return;
    const id = `${rec.groupKey}\u0000${rec.receiver}`;
    if (this.running.has(id)) return;
    const done = new Set(this.d.nflog.get(this.followKey(rec.groupKey, rec.receiver, 0))?.log.firing);
    const fresh = n.alerts.filter((a) => a.status === 'firing' && !done.has(episode(a)));
    if (fresh.length === 0) return;
    if (this.running.size >= (this.o.maxInFlight ?? 4)) {
      this.counts.skipped++;
      return;
    }
    const input = { receiver: n.receiver, groupKey: n.groupKey, groupLabels: n.groupLabels, alerts: fresh };
    void this.run(id, input);
  }

  /** Aborts every investigation in flight; their answers are dropped. */
  stop(): void {
    this.stopped = true;
    for (const ac of this.running.values()) ac.abort(new Error('alert manager stopped'));
  }

  /** Whether an episode key still names the alert's current firing. */
  private live(key: string): boolean {
    const at = key.lastIndexOf('@');
    const s = this.d.alertTable.slotOf(key.slice(0, at));
    return s >= 0 && String(this.d.alertTable.startsAt[s]) === key.slice(at + 1);
  }

  private followKey(groupKey: string, receiver: string, index: number): string {
    return recordKey(`${groupKey}\u0000investigation`, receiver, index);
  }

  private async run(id: string, input: InvestigationInput): Promise<void> {
    const ac = new AbortController();
    this.running.set(id, ac);
    this.counts.started++;
    const ms = this.o.timeoutMs ?? 300_000;
    const timer = this.d.clock.setTimeout(
      () => ac.abort(new Error(`investigation timed out after ${ms} ms`)),
      ms,
    );
    let answer: Readonly<Record<string, string>> | undefined;
    try {
      // an investigator that ignores its signal must not hold the slot past the deadline
      answer = await Promise.race([this.o.investigate(input, { signal: ac.signal }), whenAborted(ac.signal)]);
    } catch {
      answer = undefined;
    } finally {
      this.d.clock.clearTimeout(timer);
      this.running.delete(id);
    }
    if (this.stopped) return;
    if (ac.signal.aborted || !answer || Object.keys(answer).length === 0) return this.unanswered(input);
    this.quiet = false;
    try {
      this.followUp(input, answer);
    } catch (err) {
      this.d.log.error(`alert manager: an investigation follow-up failed: ${(err as Error).message}`);
    }
  }

  private unanswered(input: InvestigationInput): void {
    this.counts.unanswered++;
    if (this.quiet) return;
    this.quiet = true;
    this.d.log.warn(
      `alert manager: the investigation of group ${input.groupKey} got no answer; no follow-up is sent (further misses are only counted until one succeeds)`,
    );
  }

  /** Attaches the answer to the alerts still firing and queues one follow-up per integration of the receiver. */
  private followUp(input: InvestigationInput, answer: Readonly<Record<string, string>>): void {
    const t = this.d.alertTable;
    const now = this.d.clock.now();
    const shown: NotifiedAlert[] = [];
    for (const a of input.alerts) {
      const s = t.slotOf(a.fingerprint);
      // resolved since, or resolved and fired again (a new episode, investigated on its own)
      if (s < 0 || t.startsAt[s] !== a.startsAt || shownResolved(t, s, now)) continue;
      t.attached.set(s, answer);
      t.annotations[s] = { ...t.annotations[s], ...answer };
      this.d.saveAlert(s);
      if (!this.d.muted(t.labels[s]!, now)) shown.push(notifiedAlert(t, s, now));
    }
    if (shown.length === 0) {
      this.counts.stale++;
      return;
    }
    const notifiers = this.d.config.receivers.get(input.receiver)?.notifiers ?? [];
    const base = {
      receiver: input.receiver,
      groupKey: input.groupKey,
      externalURL: this.d.externalURL,
      at: now,
    };
    for (const [index, n] of notifiers.entries()) {
      const key = this.followKey(input.groupKey, input.receiver, index);
      // episodes of alerts gone or fired again are forgotten: the record stays as small as the group
      const prev = (this.d.nflog.get(key)?.log.firing ?? []).filter((k) => this.live(k));
      const firing = [...new Set([...prev, ...input.alerts.map(episode)])].sort();
      const notification = buildNotification(
        { ...base, groupLabels: input.groupLabels },
        shown,
        FOLLOW_UP,
        true,
        n.maxAlerts ?? 0,
      )!;
      const rec: NfRecord = {
        groupKey: input.groupKey,
        receiver: input.receiver,
        index,
        log: { firing, resolved: [], at: now },
        pending: { id: `${key.slice(0, 12)}-${now}`, notification, attempts: 0, nextAt: now, firstAt: now },
      };
      this.d.nflog.write(key, rec);
      this.d.delivery.enqueue(key);
      this.d.notified(rec);
    }
    this.counts.followUps++;
  }
}
