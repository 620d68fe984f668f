import type { Notification, Notifier, NotifyContext, NotifyResult } from '@argus/alerting';
import { formatLabels } from '@argus/core';

/**
 * A notifier that prints each notification, one line per alert, e.g.
 * `[argus] FIRING AnomalyDetected {…} — summary`. `write` defaults to stdout (tests pass their own).
 */
export function consoleNotifier(
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Notifier {
  return {
    kind: 'notifier',
    name: 'console',
    sendResolved: true,
    async send(n: Notification, ctx: NotifyContext): Promise<NotifyResult> {
      if (ctx.signal.aborted) return { ok: false, retryable: true, error: new Error('console: aborted') };
      for (const a of n.alerts) {
        const { alertname = 'alert', ...rest } = a.labels;
        const summary = a.annotations.summary ? ` — ${a.annotations.summary}` : '';
        write(`[argus] ${a.status.toUpperCase()} ${alertname} ${formatLabels(rest)}${summary}`);
      }
      return { ok: true };
    },
  };
}
