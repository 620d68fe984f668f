import type { HttpClient } from './http-client.js';
import type { LegacyNotifier, Notification, Notifier, NotifyContext } from './model.js';

/**
 * The notifier with its requests made by `client` (its `send` sees `ctx.http`); the notifier itself unchanged
 * when `client` is undefined. The alert manager's receivers from an Alertmanager file get this for every
 * `http_config`.
 */
export function withHttpClient<N extends Notifier | LegacyNotifier>(
  notifier: N,
  client: HttpClient | undefined,
): N {
  if (!client) return notifier;
  return {
    ...notifier,
    send: (n: Notification, ctx: NotifyContext) => notifier.send(n, { ...ctx, http: client }),
  };
}
