// `server.azureAlerts`: Azure Monitor's Common Alert Schema webhook (@argus/source-azure's handler) mounted on
// the server of `argus run`, feeding a push source of the pipeline — one listener, not a second one.
import { externalAlerts } from '@argus/alerting';
import type { Alerter, Emit, Logger, Source } from '@argus/core';
import type { Webhook } from '@argus/server';
import { importOptional } from './config/resolve.js';
import type { AzureAlertsSettings } from './config/server-schema.js';

type MakeHandler = (o: { token: string; emit: Emit; log?: Logger; origin?: string }) => Webhook['handler'];

async function loadHandlerFactory(dir: string): Promise<MakeHandler> {
  const mod = await importOptional('@argus/source-azure', dir);
  return mod['createAzureAlertHandler'] as MakeHandler;
}

/** The webhook, the source it feeds, and its secret (never to be shown). Throws naming the setting to fix. */
export async function azureWebhook(
  s: AzureAlertsSettings,
  dir: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ source: Source; alerter: Alerter; webhook: Webhook; secret: string }> {
  const token = env[s.tokenEnv];
  if (token === undefined || token.length < 16)
    throw new Error(
      `set the environment variable ${s.tokenEnv} (tokenEnv) to the webhook's shared secret, at least 16 characters (e.g. openssl rand -hex 24)`,
    );
  const make = await loadHandlerFactory(dir);
  let emitFn: Emit | undefined;
  const handler = make({
    token,
    log,
    // events that arrive while the pipeline is not running (a reload, the stop) are refused with 503: Azure retries
    emit: (batch) => (emitFn ? emitFn(batch) : Promise.resolve(false)),
  });
  const source: Source = {
    kind: 'source',
    name: s.name,
    apiVersion: 1,
    listen(emit) {
      emitFn = emit;
    },
    stop() {
      emitFn = undefined;
    },
  };
  // the source's alert events become Argus alerts (firing, resolved) that reach the server's alert manager
  const alerter = externalAlerts({ name: `${s.name}:alerts` });
  return { source, alerter, webhook: { path: s.path, handler }, secret: token };
}
