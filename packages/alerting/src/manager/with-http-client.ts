import type { HttpClient } from './http-client.js';
import type { LegacyNotifier, Notification, Notifier, NotifyContext } from './model.js';

/**
 * The notifier with its requests made by `client` (its `send` sees `ctx.http`) and `client` closed by its
 * `close()`; the notifier itself unchanged when `client` is undefined. The alert manager's receivers from an Alertmanager file get this for every
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
    // the client was made for this notifier alone (one per http_config entry), so it closes with it
    close: async () => {
      await notifier.close?.();
      await client.close();
    },
  };
}
