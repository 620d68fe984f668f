// Alerts about Argus's own alerting, routed like any alert: a Watchdog that always fires (a dead man's switch for
// the receiving end) and a meta-alert per receiver whose notifications are dead-lettered (failed past the retry
// budget, refused permanently, or dropped from a full queue). Built only on the manager's public `ingest` and
// its `deadLetter`/`delivered` listeners.
import type { AlertManager, DeadLetter, Notification } from '@argus/alerting';
import { type Alert, fingerprint, type Labels } from '@argus/core';

/** Options of {@link startWatchdog}. */
export interface WatchdogOptions {
  /** @default { alertname: 'Watchdog', severity: 'none' } */
  labels?: Labels;
  /** @default a summary and description saying what the alert is for */
  annotations?: Record<string, string>;
  /** When it started. @default now */
  startsAt?: number;
}

/**
 * Feeds the manager a Watchdog alert that is always firing (like kube-prometheus's `Watchdog`), so a dead man's
 * switch service downstream can page when its notifications stop. Route it to that receiver with a short
 * `repeat_interval`; the manager repeats it as Alertmanager does. Call after `am.start()`; the alert is not
 * resolved on stop (an Argus that stops should look like one that died). Returns the alert it ingested.
 * @example startWatchdog(am, { labels: { alertname: 'Watchdog', severity: 'none', cluster: 'eu1' } })
 */
export function startWatchdog(am: AlertManager, options: WatchdogOptions = {}): Alert {
  const labels = options.labels ?? { alertname: 'Watchdog', severity: 'none' };
  const alert: Alert = {
    labels,
    annotations: options.annotations ?? {
      summary: 'Argus alerting is alive',
      description:
        "This alert is always firing, so that the whole alerting path is known to work. A dead man's switch downstream should page when it stops arriving.",
    },
    state: 'firing',
    startsAt: options.startsAt ?? Date.now(),
    fingerprint: fingerprint(labels),
    origin: 'watchdog',
  };
  am.ingest([alert]);
  return alert;
}

/** Options of {@link deliveryFailureAlerts}. */
export interface DeliveryFailureAlertsOptions {
  /** @default 'ArgusNotificationsFailing' */
  alertname?: string;
  /** Added to every meta-alert's labels. @default { severity: 'warning' } */
  labels?: Labels;
  /** @default Date.now */
  now?: () => number;
}

/** What {@link deliveryFailureAlerts} returns: `stop()` removes its listeners. */
export interface DeliveryFailureAlerts {
  /** The meta-alerts firing now. */
  firing(): Alert[];
  stop(): void;
}

/**
 * Meta-alerts when Argus's own deliveries fail: each dead letter fires (or refreshes) an alert
 * `ArgusNotificationsFailing{receiver, integration}` whose summary gives the reason; it resolves when a later
 * notification to that receiver is delivered. Route them like any alert, ideally to another receiver than the one
 * failing. Dead letters of the meta-alerts themselves raise nothing, so a broken receiver cannot loop.
 * @example const meta = deliveryFailureAlerts(am); … meta.stop();
 */
export function deliveryFailureAlerts(
  am: AlertManager,
  options: DeliveryFailureAlertsOptions = {},
): DeliveryFailureAlerts {
  const alertname = options.alertname ?? 'ArgusNotificationsFailing';
  const extra = options.labels ?? { severity: 'warning' };
  const now = options.now ?? Date.now;
  const active = new Map<string, Alert>();
  const isMeta = (n: Notification) => n.alerts.every((a) => a.labels['alertname'] === alertname);

  const onDeadLetter = (d: DeadLetter): void => {
    if (isMeta(d.notification)) return;
    const labels: Labels = { ...extra, alertname, receiver: d.receiver, integration: d.integration };
    const fp = fingerprint(labels);
    const alert: Alert = {
      labels,
      annotations: {
        summary: `Notifications to receiver ${d.receiver} (${d.integration}) are failing`,
        description: `A notification of group ${d.groupKey} was dead-lettered after ${d.attempts} attempt(s): ${d.reason}`,
      },
      state: 'firing',
      startsAt: active.get(fp)?.startsAt ?? d.at,
      fingerprint: fp,
      origin: 'delivery-failures',
    };
    active.set(fp, alert);
    am.ingest([alert]);
  };
  const onDelivered = (n: Notification): void => {
    if (isMeta(n)) return;
    const done = [...active.values()].filter((a) => a.labels['receiver'] === n.receiver);
    if (done.length === 0) return;
    const at = now();
    for (const a of done) active.delete(a.fingerprint);
    am.ingest(done.map((a) => ({ ...a, state: 'resolved' as const, endsAt: at })));
  };
  am.on('deadLetter', onDeadLetter);
  am.on('delivered', onDelivered);
  return {
    firing: () => [...active.values()],
    stop() {
      am.off('deadLetter', onDeadLetter);
      am.off('delivered', onDelivered);
    },
  };
}
