import type { Clock, TimerHandle } from '@argus/core';
import type { ReceiverConfig } from './config.js';
import type { LegacyNotifier, Notification, Notifier, NotifyResult } from './model.js';
import type { NfRecord, NotificationLog, OutboxItem } from './nflog.js';

/** Retry and queue settings of the outbox. */
export interface DeliveryOptions {
  /** Attempts per notification before it is dead-lettered. @default 10 */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, with jitter. @default 1000 */
  initialBackoffMs?: number;
  /** Cap of the retry delay (a longer `Retry-After` is still honoured). @default 300000 */
  maxBackoffMs?: number;
  /** Deadline of one send. @default 10000 */
  sendTimeoutMs?: number;
  /** Notifications waiting per integration; past it the oldest is dead-lettered. @default 1000 */
  maxQueue?: number;
}

/** A notification given up on. */
export interface DeadLetter {
  readonly id: string;
  readonly receiver: string;
  readonly integration: string;
  readonly groupKey: string;
  readonly attempts: number;
  readonly reason: string;
  readonly at: number;
  readonly notification: Notification;
}

/** The dead-letter record of an outbox item. */
export function deadLetterOf(
  rec: NfRecord,
  item: OutboxItem,
  reason: string,
  integration: string,
  at: number,
): DeadLetter {
  const { groupKey, receiver } = rec;
  return {
    id: item.id,
    receiver,
    integration,
    groupKey,
    attempts: item.attempts,
    reason,
    at,
    notification: item.notification,
  };
}

interface Deps {
  clock: Clock;
  nflog: NotificationLog;
  receivers: Map<string, ReceiverConfig>;
  delivered(rec: NfRecord, item: OutboxItem): void;
  deadLetter(rec: NfRecord, item: OutboxItem, reason: string): void;
  /** An attempt threw outside the notifier's send (a bug); the lane goes on. */
  failed(err: Error): void;
  random: () => number;
}

interface Lane {
  keys: Set<string>;
  busy: boolean;
  timer?: TimerHandle | undefined;
}

/**
 * The outbox's workers: one lane per receiver integration, so a slow or failing receiver never delays the others.
 * Each lane sends its due items one at a time, retries retryable failures with exponential backoff and jitter
 * (or the receiver's `Retry-After`), and dead-letters after the retry budget. Storm caps hold a receiver's
 * notifications back past its rate; they coalesce per group while they wait.
 */
export class Delivery {
  private readonly lanes = new Map<string, Lane>();
  private readonly sent = new Map<string, number[]>();
  private readonly ctl = new AbortController();
  private stopped = false;
  private readonly o: Required<DeliveryOptions>;

  constructor(
    private readonly d: Deps,
    options: DeliveryOptions = {},
  ) {
    this.o = {
      maxAttempts: options.maxAttempts ?? 10,
      initialBackoffMs: options.initialBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 300_000,
      sendTimeoutMs: options.sendTimeoutMs ?? 10_000,
      maxQueue: options.maxQueue ?? 1000,
    };
  }

  /** Registers a record whose `pending` item is new or changed, and wakes its lane. */
  enqueue(key: string): void {
    const rec = this.d.nflog.get(key);
    if (!rec?.pending) return;
    const lane = this.lane(rec);
    lane.keys.add(key);
    if (lane.keys.size > this.o.maxQueue) this.evictOldest(lane);
    this.kick(rec.receiver, rec.index);
  }

  /** Items waiting, per lane (`receiver/index`). */
  queued(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, l] of this.lanes) out[k] = l.keys.size;
    return out;
  }

  stop(): void {
    this.stopped = true;
    this.ctl.abort(new Error('alert manager stopped'));
    for (const l of this.lanes.values()) if (l.timer) this.d.clock.clearTimeout(l.timer);
  }

  private lane(rec: { receiver: string; index: number }): Lane {
    const id = `${rec.receiver}/${rec.index}`;
    let l = this.lanes.get(id);
    if (!l) this.lanes.set(id, (l = { keys: new Set(), busy: false }));
    return l;
  }

  private evictOldest(lane: Lane): void {
    let oldest: [string, NfRecord] | undefined;
    for (const k of lane.keys) {
      const r = this.d.nflog.get(k);
      if (r?.pending && (!oldest || r.pending.firstAt < oldest[1].pending!.firstAt)) oldest = [k, r];
    }
    if (!oldest) return;
    lane.keys.delete(oldest[0]);
    this.d.deadLetter(oldest[1], oldest[1].pending!, `queue full (maxQueue ${this.o.maxQueue})`);
  }

  private kick(receiver: string, index: number): void {
    const lane = this.lane({ receiver, index });
    if (lane.busy || this.stopped) return;
    if (lane.timer) {
      this.d.clock.clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    const now = this.d.clock.now();
    let next: [string, NfRecord] | undefined;
    for (const k of [...lane.keys]) {
      const r = this.d.nflog.get(k);
      if (!r?.pending) {
        lane.keys.delete(k);
        continue;
      }
      if (!next || r.pending.nextAt < next[1].pending!.nextAt) next = [k, r];
    }
    if (!next) return;
    const wait = Math.max(next[1].pending!.nextAt, this.stormFree(receiver, now)) - now;
    if (wait > 0) {
      lane.timer = this.d.clock.setTimeout(() => this.kick(receiver, index), wait);
      return;
    }
    lane.busy = true;
    this.attempt(next[0], next[1])
      .catch((err: unknown) => this.d.failed(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        lane.busy = false;
        this.kick(receiver, index);
      });
  }

  /** When the receiver's storm cap next allows a send. */
  private stormFree(receiver: string, now: number): number {
    const cap = this.d.receivers.get(receiver)?.storm;
    if (!cap) return now;
    const times = (this.sent.get(receiver) ?? []).filter((t) => t > now - cap.windowMs);
    this.sent.set(receiver, times);
    return times.length < cap.maxNotifications ? now : times[0]! + cap.windowMs;
  }

  private async attempt(key: string, rec: NfRecord): Promise<void> {
    const item = rec.pending!;
    const notifier = this.d.receivers.get(rec.receiver)?.notifiers?.[rec.index];
    if (!notifier) {
      this.finish(key, rec, item, `receiver ${rec.receiver} has no integration ${rec.index} any more`);
      return;
    }
    const times = this.sent.get(rec.receiver) ?? [];
    times.push(this.d.clock.now());
    this.sent.set(rec.receiver, times);
    item.attempts++;
    const result = await this.send(notifier, item.notification);
    if (this.stopped) return;
    if (rec.pending !== item) return; // superseded while in flight: the newer item is already queued
    if (result.ok) {
      delete rec.pending;
      this.lane(rec).keys.delete(key);
      this.d.nflog.changed(key);
      this.d.delivered(rec, item);
      return;
    }
    item.lastError = result.error.message;
    if (!result.retryable || item.attempts >= this.o.maxAttempts) {
      const why = result.retryable ? `gave up after ${item.attempts} attempts` : 'not retryable';
      this.finish(key, rec, item, `${why}: ${result.error.message}`);
      return;
    }
    item.nextAt = this.d.clock.now() + (result.retryAfterMs ?? this.backoff(item.attempts));
    this.d.nflog.changed(key);
  }

  private finish(key: string, rec: NfRecord, item: OutboxItem, reason: string): void {
    delete rec.pending;
    this.lane(rec).keys.delete(key);
    this.d.nflog.changed(key);
    this.d.deadLetter(rec, item, reason);
  }

  private backoff(attempts: number): number {
    const d = Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** (attempts - 1));
    return Math.round(d / 2 + (this.d.random() * d) / 2);
  }

  /** One send, bounded by `sendTimeoutMs` and the stop; a throw or a hang becomes a retryable failure. */
  private async send(notifier: Notifier | LegacyNotifier, n: Notification): Promise<NotifyResult> {
    const ctl = new AbortController();
    const onStop = (): void => ctl.abort(this.ctl.signal.reason);
    this.ctl.signal.addEventListener('abort', onStop, { once: true });
    const timer = this.d.clock.setTimeout(
      () => ctl.abort(new Error(`send timed out after ${this.o.sendTimeoutMs} ms`)),
      this.o.sendTimeoutMs,
    );
    try {
      // a notifier that ignores its signal still loses the race: its lane moves on at the deadline
      return await Promise.race([notifier.send(n, { signal: ctl.signal }), abandoned(ctl.signal)]);
    } catch (err) {
      return { ok: false, retryable: true, error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      this.d.clock.clearTimeout(timer);
      this.ctl.signal.removeEventListener('abort', onStop);
    }
  }
}

/** Settles as a retryable failure when `signal` aborts (the send timed out, or the manager stopped). */
function abandoned(signal: AbortSignal): Promise<NotifyResult> {
  return new Promise((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        const reason: unknown = signal.reason;
        resolve({
          ok: false,
          retryable: true,
          error: reason instanceof Error ? reason : new Error(String(reason)),
        });
      },
      { once: true },
    );
  });
}
