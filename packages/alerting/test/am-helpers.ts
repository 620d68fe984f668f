import type { Alert, Labels } from '@argus/core';
import { fingerprint } from '@argus/core';
import type { Notification, Notifier, NotifyResult } from '../src/index.js';

/** A notifier that records what it is sent and answers from a script (default: success). */
export interface Recorder extends Notifier {
  readonly sent: Notification[];
  /** Results to return, in order; when empty, success. */
  readonly script: NotifyResult[];
  attempts: number;
  /** When set, sends never complete (a hung receiver). */
  hang: boolean;
}

export function recorder(opts: { sendResolved?: boolean; maxAlerts?: number } = {}): Recorder {
  const r: Recorder = {
    kind: 'notifier',
    name: 'recorder',
    type: 'recorder',
    sendResolved: opts.sendResolved ?? true,
    maxAlerts: opts.maxAlerts ?? 0,
    sent: [],
    script: [],
    attempts: 0,
    hang: false,
    async send(n) {
      r.attempts++;
      if (r.hang) return new Promise<never>(() => {});
      const res = r.script.shift() ?? { ok: true };
      if (res.ok) r.sent.push(n);
      return res;
    },
  };
  return r;
}

export const firing = (labels: Labels, startsAt: number): Alert => ({
  labels,
  annotations: {},
  state: 'firing',
  startsAt,
  fingerprint: fingerprint(labels),
  origin: 'test',
});

export const resolved = (labels: Labels, startsAt: number, endsAt: number): Alert => ({
  ...firing(labels, startsAt),
  state: 'resolved',
  endsAt,
});

/** A notification in one line: `reason|status|fp-or-alertname:status,...`. */
export function brief(n: Notification): string {
  const alerts = n.alerts.map((a) => `${a.labels['i'] ?? a.labels['alertname']}:${a.status[0]}`).join(',');
  return `${n.receiver} ${n.reason} [${alerts}]`;
}
