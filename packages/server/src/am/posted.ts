import type { AlertManager } from '@argus/alerting';
import { type Alert, type Clock, fingerprint, type TimerHandle } from '@argus/core';

/** An alert as Alertmanager's `POST /api/v2/alerts` takes it (times already parsed to ms). */
export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string> | undefined;
  startsAt?: number | undefined;
  endsAt?: number | undefined;
  generatorURL?: string | undefined;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Alerts posted by clients (Prometheus, amtool): an alert fires until its `endsAt` (or `resolveTimeoutMs` after
 * the post when it has none) and resolves then unless re-sent, as in Alertmanager; a post with `endsAt` in the
 * past resolves it at once.
 */
export class PostedAlerts {
  private readonly ends = new Map<string, { at: number; timer: TimerHandle; alert: Alert }>();

  constructor(
    private readonly am: () => AlertManager,
    private readonly clock: Clock,
    private readonly resolveTimeoutMs: number,
    private readonly origin = 'api',
  ) {}

  post(list: readonly PostedAlert[]): void {
    const now = this.clock.now();
    const out: Alert[] = [];
    for (const p of list) {
      const fp = fingerprint(p.labels);
      const endsAt = p.endsAt ?? now + this.resolveTimeoutMs;
      const base = {
        labels: p.labels,
        annotations: p.annotations ?? {},
        startsAt: p.startsAt ?? now,
        fingerprint: fp,
        origin: this.origin,
        ...(p.generatorURL ? { generatorURL: p.generatorURL } : {}),
      };
      this.clear(fp);
      if (endsAt <= now) {
        out.push({ ...base, state: 'resolved', endsAt });
        continue;
      }
      const alert: Alert = { ...base, state: 'firing' };
      out.push(alert);
      this.ends.set(fp, { at: endsAt, timer: this.schedule(fp, endsAt - now), alert });
    }
    this.am().ingest(out);
  }

  /** When a posted firing alert ends unless re-sent. */
  endsAt(fp: string): number | undefined {
    return this.ends.get(fp)?.at;
  }

  stop(): void {
    for (const fp of [...this.ends.keys()]) this.clear(fp);
  }

  /** Timers hold at most ~24.8 days; a later end is reached in steps. */
  private schedule(fp: string, ms: number): TimerHandle {
    return this.clock.setTimeout(() => this.expire(fp), Math.min(ms, MAX_TIMER_MS));
  }

  private expire(fp: string): void {
    const e = this.ends.get(fp);
    if (!e) return;
    const left = e.at - this.clock.now();
    if (left > 0) {
      e.timer = this.schedule(fp, left);
      return;
    }
    this.ends.delete(fp);
    this.am().ingest([{ ...e.alert, state: 'resolved', endsAt: e.at }]);
  }

  private clear(fp: string): void {
    const e = this.ends.get(fp);
    if (!e) return;
    this.clock.clearTimeout(e.timer);
    this.ends.delete(fp);
  }
}
