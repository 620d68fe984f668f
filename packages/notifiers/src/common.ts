import type { Notification, NotifiedAlert } from '@argus/alerting';

/** `[FIRING:2] HighCPU` — the title Alertmanager's default templates use. */
export function title(n: Notification): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const name =
    n.groupLabels['alertname'] ?? n.commonLabels['alertname'] ?? Object.values(n.groupLabels).join(' ');
  return `[${n.status.toUpperCase()}${n.status === 'firing' ? `:${firing}` : ''}] ${name || 'alerts'}`;
}

/** One line per alert: its summary (or description, or alertname) and the labels that vary in the group. */
export function alertLine(a: NotifiedAlert, common: Readonly<Record<string, string>>): string {
  const text =
    a.annotations['summary'] ?? a.annotations['description'] ?? a.labels['alertname'] ?? a.fingerprint;
  const own = Object.entries(a.labels)
    .filter(([k, v]) => common[k] !== v)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return own ? `${text} (${own})` : text;
}

/** Cuts `s` to `max` characters, marking the cut. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
