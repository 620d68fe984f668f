import type { Notification } from '../manager/model.js';

/** A two-alert notification of one group, both alerts `firing` or both `resolved`: what suites send. */
export function sampleNotification(status: 'firing' | 'resolved' = 'firing'): Notification {
  const alert = (instance: string, minute: number, fingerprint: string) => ({
    status,
    labels: { alertname: 'DBDown', instance, severity: 'critical' },
    annotations: { summary: `${instance} is down` },
    startsAt: Date.UTC(2026, 10, 27, 19, minute),
    fingerprint,
    ...(status === 'resolved' ? { endsAt: Date.UTC(2026, 10, 27, 20) } : {}),
  });
  return {
    receiver: 'team',
    groupKey: '{}/{team="db"}:{alertname="DBDown"}',
    groupLabels: { alertname: 'DBDown' },
    status,
    alerts: [alert('db1', 55, '1111111111111111'), alert('db2', 56, '2222222222222222')],
    commonLabels: { alertname: 'DBDown', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://argus',
    truncatedAlerts: 0,
    reason: 'first notification',
    at: 0,
  };
}
