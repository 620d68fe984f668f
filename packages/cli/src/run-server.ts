// `argus run` with a `server:` block: an alert manager and a store fed by the pipeline (two extra sinks), and
// @argus/server over them once the pipeline runs.
import { resolve } from 'node:path';
import { type AlertManager, createAlertManager } from '@argus/alerting';
import {
  type Alerter,
  type Logger,
  openStateStore,
  type Pipeline,
  type Sink,
  type Source,
} from '@argus/core';
import type { OidcOptions, ReloadStatus, Webhook } from '@argus/server';
import { createStore, type Store, storeSink } from '@argus/store';
import { azureWebhook } from './azure-webhook.js';
import type { ServerSettings } from './config/server-schema.js';
import { type LiveServer, type RulesView, readAmConfig, startLiveServer } from './live-server.js';
import { oidcOptions } from './oidc-settings.js';
import { investigation } from './run-investigation.js';
import { serverStateDir } from './server-command.js';

/** How long the server's in-memory store keeps what the pipeline reads, for `/api/series` and `/api/v1`. */
const SERIES_RETENTION_MS = 86_400_000;

/** What the pipeline feeds for the server: alerts to an alert manager, metrics and findings to a store. */
export interface ServerParts {
  readonly settings: ServerSettings;
  readonly alertManager: AlertManager;
  readonly store: Store;
  readonly alertmanagerYaml?: string;
  readonly receivers: string[];
  /** Added to the config's sources (the Azure webhook's). */
  readonly sources: Source[];
  /** Added to the config's alerters (the Azure events' alerts). */
  readonly alerters: Alerter[];
  /** Added to the config's sinks. */
  readonly sinks: Sink[];
  readonly webhooks: Webhook[];
  /** Values never to show (the webhook's token, the OIDC client secret). */
  readonly secrets: string[];
  /** `server.auth.oidc` with its client secret read. */
  readonly oidc?: OidcOptions;
}

/** A problem in the `server:` block, with the key it is under (and each problem's path below `server`). */
export class ServerSettingError extends Error {
  readonly issues: readonly { path: (string | number)[]; message: string }[];
  constructor(
    readonly key: string,
    message: string,
    issues?: readonly { path: (string | number)[]; message: string }[],
  ) {
    super(message);
    this.issues = issues ?? [{ path: [key], message }];
  }
}

async function tagged<T>(key: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new ServerSettingError(key, (err as Error).message);
  }
}

/**
 * Builds the parts from the `server:` block; `dir` is the config's folder. Throws a {@link ServerSettingError}
 * naming the setting and its problem. `store` is kept across reloads. Starts nothing: the alert manager starts
 * with its sink, when the pipeline starts.
 */
export async function serverParts(
  settings: ServerSettings,
  dir: string,
  log: Logger,
  store: Store = createStore({ retentionMs: SERIES_RETENTION_MS }),
): Promise<ServerParts> {
  const file =
    settings.alertmanagerConfig === undefined ? undefined : resolve(dir, settings.alertmanagerConfig);
  const am = await tagged('alertmanagerConfig', () => readAmConfig(file));
  const azure = settings.azureAlerts
    ? await tagged('azureAlerts', () => azureWebhook(settings.azureAlerts!, dir, log))
    : undefined;
  const oidc = settings.auth.oidc ? oidcOptions(settings.auth.oidc, dir) : undefined;
  if (oidc && 'problem' in oidc) throw new ServerSettingError('auth', oidc.problem.message, [oidc.problem]);
  const inv = settings.investigation
    ? await tagged('investigation', () => investigation(settings.investigation!, dir, log))
    : undefined;
  if (inv?.issues)
    throw new ServerSettingError('investigation', inv.issues.map((i) => i.message).join('; '), inv.issues);
  const alertManager = createAlertManager({
    config: am.config,
    log,
    ...(inv ? { investigation: inv.options } : {}),
  });
  return {
    settings,
    alertManager,
    store,
    ...(am.yaml === undefined ? {} : { alertmanagerYaml: am.yaml }),
    receivers: am.config.receivers.map((r) => r.name),
    sources: azure ? [azure.source] : [],
    alerters: azure ? [azure.alerter] : [],
    sinks: [
      alertManager.sink('server:alerts'),
      storeSink(store, { name: 'server:store' }),
      ...(inv ? [inv.sink] : []),
    ],
    webhooks: azure ? [azure.webhook] : [],
    secrets: [
      ...(azure ? [azure.secret] : []),
      ...(oidc?.options.clientSecret ? [oidc.options.clientSecret] : []),
    ],
    ...(oidc ? { oidc: oidc.options } : {}),
  };
}

/**
 * Starts the server over the running pipeline. Its state (users, tokens, sessions, audit log) lives in
 * `<dataDir>/server`, where `argus users add --data-dir <dataDir>` writes.
 */
export async function startRunServer(
  parts: ServerParts,
  o: {
    dir: string;
    dataDir: string;
    pipeline: Pipeline;
    config: unknown;
    log: Logger;
    reload: () => Promise<void>;
    reloadStatus: () => ReloadStatus;
    /** The `rules:` / `slos:` groups running now (they change on a reload), for `/api/v1/rules`. */
    rules: () => RulesView | undefined;
  },
): Promise<LiveServer> {
  const state = await openStateStore({ dir: serverStateDir(resolve(o.dataDir)), log: o.log });
  return startLiveServer({
    settings: parts.settings,
    dir: o.dir,
    alertManager: parts.alertManager,
    pipeline: o.pipeline,
    store: parts.store,
    state,
    log: o.log,
    config: o.config,
    receivers: parts.receivers,
    reload: o.reload,
    webhooks: parts.webhooks,
    secrets: parts.secrets,
    ...(parts.oidc ? { oidc: parts.oidc } : {}),
    reloadStatus: o.reloadStatus,
    rules: o.rules,
    ...(parts.alertmanagerYaml === undefined ? {} : { alertmanagerYaml: parts.alertmanagerYaml }),
  });
}
