import type { Labels } from '@argus/core';
import type { HttpClient } from './http-client.js';

/** Why a notification was sent (Alertmanager ≥ 0.32's `notification_reason`). */
export type NotificationReason =
  | 'first notification'
  | 'new alerts added'
  | 'some alerts resolved'
  | 'all alerts resolved'
  | 'repeat interval elapsed'
  /** Argus: a background investigation's annotations, sent once after the group's notification (not a repeat). */
  | 'investigation follow-up';

/** An alert as it appears in a notification. Times are ms since epoch. */
export interface NotifiedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: number;
  /** Set for resolved alerts; firing alerts carry none (Alertmanager sends the Go zero time). */
  readonly endsAt?: number;
  readonly generatorURL?: string;
  readonly fingerprint: string;
  /** Flap detection marked the alert; its notifications are damped. */
  readonly flapping?: boolean;
  readonly acked?: { readonly by: string; readonly at: number; readonly comment?: string };
}

/** One notification of one aggregation group to one receiver: what a notifier turns into its payload. */
export interface Notification {
  readonly receiver: string;
  /** `<route key>:<group labels>`, exactly as Alertmanager builds it. */
  readonly groupKey: string;
  readonly groupLabels: Labels;
  /** `resolved` only when every alert in `alerts` is resolved. */
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly NotifiedAlert[];
  readonly commonLabels: Labels;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  /** Alerts left out by the notifier's `maxAlerts`. */
  readonly truncatedAlerts: number;
  readonly reason: NotificationReason;
  /** When the alert manager decided to send it. */
  readonly at: number;
}

/** The outcome of one delivery attempt. */
export type NotifyResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Retry later (network error, 408, 429, 5xx); otherwise dead-letter at once. */
      readonly retryable: boolean;
      /** The receiver asked to wait this long (429 `Retry-After`). */
      readonly retryAfterMs?: number;
      /** Must not contain secrets (URLs with tokens, keys): it is logged and stored. */
      readonly error: Error;
    };

/** What a notifier's `send` receives. */
export interface NotifyContext {
  readonly signal: AbortSignal;
  /**
   * How requests are made (TLS, proxy, credentials), set by {@link withHttpClient} from a receiver's
   * `http_config`; a notifier passes it to `postJson`. Absent: node:http (core's `httpFetch`) with system CAs.
   */
  readonly http?: HttpClient;
}

/**
 * Delivers notifications to one integration (a webhook URL, a Slack channel, a PagerDuty service): a plugin of
 * kind `notifier`, built by a factory made with {@link defineNotifier}. Sends once per call: the alert manager's
 * outbox retries, backs off and dead-letters. Must not throw (a throw counts as a retryable failure) and must keep
 * secrets out of errors. `@argus/alerting/testing`'s `testNotifier` checks all of this.
 */
export interface Notifier {
  readonly kind: 'notifier';
  /** Integration name, e.g. `webhook`, `slack`; shown in events and errors. */
  readonly name: string;
  /** @deprecated The same as `name`, set by {@link defineNotifier} for readers written against 1.0; read `name`. */
  readonly type?: string;
  /** Whether resolved alerts are sent. @default true */
  readonly sendResolved?: boolean;
  /** Cut `alerts` to this many, counting the rest in `truncatedAlerts` (0: no limit). */
  readonly maxAlerts?: number;
  send(notification: Notification, ctx: NotifyContext): Promise<NotifyResult>;
  /**
   * Releases what the notifier holds (pooled connections, a TLS or proxy agent). The alert manager calls it once
   * when it stops, after delivery has stopped, so a reload that builds a new manager leaves no sockets behind.
   */
  close?(): Promise<void>;
}

/**
 * A notifier written by hand for 1.0: an object with `type` and `send`. Receivers still accept it.
 * @deprecated Build notifiers with {@link defineNotifier}, which adds `kind` and `name`.
 */
export type LegacyNotifier = Omit<Notifier, 'kind' | 'name'> & {
  readonly kind?: 'notifier';
  readonly name?: string;
};
