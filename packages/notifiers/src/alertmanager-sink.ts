import { postJson, redactUrl } from '@argus/alerting';
import { type Alert, defineSink, type Factory, httpRequest, type Sink, type TimerHandle } from '@argus/core';
import { z } from 'zod';

/** Options of {@link alertmanagerSink}. */
export interface AlertmanagerSinkOptions {
  /** Base URL of each Alertmanager (an HA cluster wants every member), e.g. `http://127.0.0.1:9093`. */
  url: string | string[];
  /** Firing alerts are re-sent this often, as Prometheus does (`--rules.alert.resend-delay`). @default 60000 */
  resendIntervalMs?: number;
  /** `endsAt` of a firing alert is now plus this, refreshed at each re-send. @default 4 × resendIntervalMs */
  endsAtAheadMs?: number;
  /** Resolved alerts keep being re-sent this long, so a restarted Alertmanager still learns of them. @default 300000 */
  resolvedResendMs?: number;
  /** Plugin name. @default 'alertmanager' */
  name?: string;
}

interface Parsed {
  url: string[];
  resendIntervalMs: number;
  endsAtAheadMs?: number | undefined;
  resolvedResendMs: number;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, AlertmanagerSinkOptions> = z.strictObject({
  url: z
    .union([z.url({ protocol: /^https?$/ }), z.array(z.url({ protocol: /^https?$/ })).min(1)])
    .transform((u) => (Array.isArray(u) ? u : [u]))
    .describe('Alertmanager base URL(s); every member of an HA cluster'),
  resendIntervalMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('Re-send interval of firing alerts, ms'),
  endsAtAheadMs: z.number().int().positive().optional().describe('endsAt = now + this for firing alerts, ms'),
  resolvedResendMs: z
    .number()
    .int()
    .nonnegative()
    .default(300_000)
    .describe('How long resolved alerts are re-sent, ms'),
  name: z.string().optional().describe('Plugin name'),
});

interface Held {
  alert: Alert;
  resolvedAt?: number;
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * Forwards Argus alerts to a real Alertmanager (`POST /api/v2/alerts`) for teams that already run one: firing alerts
 * with `endsAt` a few re-send intervals ahead, re-sent while they fire; resolved alerts with their `endsAt`, re-sent
 * for `resolvedResendMs`. Several Argus replicas sending the same alert are deduplicated by Alertmanager (same
 * labels, same fingerprint), so each fleet-wide alert is notified once.
 * @example alertmanagerSink({ url: 'http://alertmanager:9093' })
 */
export const alertmanagerSink: Factory<z.ZodType<Parsed, AlertmanagerSinkOptions>, Sink> = defineSink({
  name: 'alertmanager',
  options: schema,
  create(o) {
    const held = new Map<string, Held>();
    const ahead = o.endsAtAheadMs ?? 4 * o.resendIntervalMs;
    let timer: TimerHandle | undefined;
    let stopped = false;
    const body = (list: Held[], now: number) =>
      list.map(({ alert: a, resolvedAt }) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: iso(a.startsAt),
        endsAt: iso(resolvedAt ?? now + ahead),
        ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
      }));
    // Every peer of a cluster gets every alert, independently (as Prometheus sends to each Alertmanager): one
    // peer down must neither block the others nor fail the write; it catches up at the next re-send. To each peer,
    // one send at a time, reading the alerts' state when it starts: a re-send that began before a resolve must not
    // reach that peer after it (the stale `firing` would revive the alert there and be notified again).
    const queues = new Map(o.url.map((u) => [u, Promise.resolve() as Promise<unknown>]));
    const toPeer = (base: string, pick: () => Held[], now: () => number, signal: AbortSignal) => {
      const run = queues.get(base)!.then(() =>
        postJson({
          url: `${base.replace(/\/$/, '')}/api/v2/alerts`,
          body: body(pick(), now()),
          signal,
          what: 'alertmanager',
        }),
      );
      queues.set(
        base,
        run.catch(() => undefined),
      );
      return run;
    };
    const post = async (pick: () => Held[], now: () => number, signal: AbortSignal) => {
      const results = await Promise.all(o.url.map((base) => toPeer(base, pick, now, signal)));
      return results.find((r) => r.ok) ?? results.find((r) => !r.ok && r.retryable) ?? results[0]!;
    };
    return {
      ...(o.name ? { name: o.name } : {}),
      accepts: ['alerts'],
      start(ctx) {
        const tick = async (): Promise<void> => {
          const now = ctx.clock.now();
          for (const [fp, h] of held)
            if (h.resolvedAt !== undefined && now - h.resolvedAt > o.resolvedResendMs) held.delete(fp);
          if (held.size > 0) {
            const r = await post(
              () => [...held.values()],
              () => ctx.clock.now(),
              AbortSignal.timeout(o.resendIntervalMs),
            );
            if (!r.ok) ctx.log.warn(`alertmanager sink: re-send failed: ${r.error.message}`);
          }
          if (!stopped) timer = ctx.clock.setTimeout(() => void tick(), o.resendIntervalMs);
        };
        timer = ctx.clock.setTimeout(() => void tick(), o.resendIntervalMs);
      },
      async write(batch, ctx) {
        if (stopped) return { ok: false, retryable: false, error: new Error('alertmanager sink is stopped') };
        if (batch.kind !== 'alerts') return { ok: true };
        const now = ctx.clock.now();
        const changed: string[] = [];
        for (const a of batch.alerts) {
          if (a.state === 'firing') held.set(a.fingerprint, { alert: a });
          else if (a.state === 'resolved') held.set(a.fingerprint, { alert: a, resolvedAt: a.endsAt ?? now });
          else continue;
          changed.push(a.fingerprint);
        }
        if (changed.length === 0) return { ok: true };
        // the state at send time: a later write may have changed (or expired) one of these while this one waited
        const pick = () => changed.flatMap((fp) => held.get(fp) ?? []);
        const r = await post(pick, () => ctx.clock.now(), ctx.signal);
        return r.ok ? { ok: true } : { ok: false, retryable: r.retryable, error: r.error };
      },
      stop(ctx) {
        stopped = true;
        if (timer) ctx.clock.clearTimeout(timer);
      },
      healthcheck: async (ctx) => {
        try {
          const res = await httpRequest(`${o.url[0]!.replace(/\/$/, '')}/-/ready`, { signal: ctx.signal });
          res.discard();
          return res.status >= 200 && res.status < 300
            ? { status: 'ok' }
            : { status: 'down', message: `${redactUrl(o.url[0]!)} answered ${res.status}` };
        } catch {
          return { status: 'down', message: `${redactUrl(o.url[0]!)} unreachable` };
        }
      },
    };
  },
});
