import type { Notification, Notifier, NotifyContext, NotifyResult } from '@argus/alerting';
import { formatAlertText } from '@argus/core';

/**
 * A notifier that prints each notification, one line per alert, in Argus's shared alert text (core's
 * `formatAlertText`): `[argus] 14:03:07 FIRING AnomalyDetected (warning): mean http request duration {route=/api}
 * is 501ms, expected 5.02ms (…), for 5 s (since 14:03:02) — early: … Hint: …`, and RESOLVED with duration and
 * peak. `write` defaults to stdout (tests pass their own).
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
      for (const a of n.alerts) write(formatAlertText(a, { now: n.at, prefix: '[argus]' }));
      return { ok: true };
    },
  };
}
