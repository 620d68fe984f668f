import { compareBytes, type Labels } from '@argus/core';
import type { Notification, NotificationReason, NotifiedAlert } from './model.js';

/** An nflog entry: what was last notified for one group, receiver and integration. */
export interface NflogEntry {
  firing: string[];
  resolved: string[];
  at: number;
}

/**
 * Alertmanager's dedup decision (`notify/dedup_stage.go` `needsUpdate`), with the reason Alertmanager ≥ 0.32
 * reports; `undefined` when nothing needs sending.
 */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  now: number,
): NotificationReason | undefined {
  if (!entry) return firing.size > 0 ? 'first notification' : undefined;
  const prevFiring = new Set(entry.firing);
  for (const f of firing) if (!prevFiring.has(f)) return 'new alerts added';
  if (firing.size === 0) return entry.firing.length > 0 ? 'all alerts resolved' : undefined;
  const prevResolved = new Set(entry.resolved);
  if (sendResolved) for (const r of resolved) if (!prevResolved.has(r)) return 'some alerts resolved';
  return entry.at <= now - repeatIntervalMs ? 'repeat interval elapsed' : undefined;
}

function common<K extends 'labels' | 'annotations'>(
  alerts: readonly NotifiedAlert[],
  k: K,
): Record<string, string> {
  if (alerts.length === 0) return {};
  const out: Record<string, string> = { ...alerts[0]![k] };
  for (const a of alerts.slice(1)) {
    for (const name of Object.keys(out)) if (a[k][name] !== out[name]) delete out[name];
  }
  return out;
}

/** Alertmanager's order of alerts in a notification: by `job`, then `instance`, then the whole label set. */
export function sortAlerts(alerts: NotifiedAlert[]): NotifiedAlert[] {
  const key = (a: NotifiedAlert): string =>
    Object.keys(a.labels)
      .sort(compareBytes)
      .map((n) => `${n}\u0000${a.labels[n]}`)
      .join('\u0001');
  return alerts.sort((a, b) => {
    for (const l of ['job', 'instance']) {
      const x = a.labels[l];
      const y = b.labels[l];
      if (x !== undefined && y !== undefined && x !== y) return x < y ? -1 : 1;
    }
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Builds the notification one integration receives, applying `sendResolved` and `maxAlerts`. */
export function buildNotification(
  base: { receiver: string; groupKey: string; groupLabels: Labels; externalURL: string; at: number },
  alerts: readonly NotifiedAlert[],
  reason: NotificationReason,
  sendResolved: boolean,
  maxAlerts: number,
): Notification | undefined {
  let sent = sendResolved ? [...alerts] : alerts.filter((a) => a.status === 'firing');
  if (sent.length === 0) return undefined;
  sent = sortAlerts(sent);
  // status and common labels describe the whole group, as in Alertmanager, even when alerts are truncated
  const status = sent.every((a) => a.status === 'resolved') ? 'resolved' : 'firing';
  const commonLabels = common(sent, 'labels');
  const commonAnnotations = common(sent, 'annotations');
  const truncated = maxAlerts > 0 ? Math.max(0, sent.length - maxAlerts) : 0;
  if (truncated > 0) sent = sent.slice(0, maxAlerts);
  return {
    ...base,
    status,
    alerts: sent,
    commonLabels,
    commonAnnotations,
    truncatedAlerts: truncated,
    reason,
  };
}
