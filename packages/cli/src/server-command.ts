// `argus serve --api` (the whole Argus API with auth, Alertmanager's API v2 and Prometheus's query API over
// --data-dir) and `argus users add` (local users in the server's state).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AlertManager, createAlertManager } from '@argus/alerting';
import { openStateStore, type StateStore } from '@argus/core';
import { addUser, createArgusServer } from '@argus/server';
import { createStore } from '@argus/store';
import type { Io } from './format.js';
import { findUi, readAmConfig } from './live-server.js';
import { parseListen } from './promql-commands.js';
import { readOidcConfig } from './serve-oidc.js';

type FastifyInstance = Awaited<ReturnType<typeof createArgusServer>>;

import { ioLogger } from './runtime.js';

/** Flags of `argus serve --api`. */
export interface ServeApiFlags {
  dataDir: string;
  retentionMs: number;
  listen: string;
  /** An alertmanager.yml; without it alerts go to one receiver, `default`, with no integrations. */
  alertmanagerConfig?: string | undefined;
  /** HTTPS: a PEM certificate file (with `tlsKey`). */
  tlsCert?: string | undefined;
  /** HTTPS: a PEM private key file (with `tlsCert`). */
  tlsKey?: string | undefined;
  /** Serve the web UI at / (when built). @default true */
  ui?: boolean | undefined;
  /** A built web UI folder instead of the installed @argus/ui's (or env ARGUS_UI_ROOT). */
  uiRoot?: string | undefined;
  /** OIDC login: a YAML file with the fields of a config's `server.auth.oidc` block. */
  oidcConfig?: string | undefined;
}

/** The server's own state (tokens, users, sessions, audit log, alert manager state) under the data directory. */
export function serverStateDir(dataDir: string): string {
  return join(dataDir, 'server');
}

/** The certificate and key for HTTPS, or undefined for plain HTTP; throws when only one of them is given. */
function readTls(f: ServeApiFlags): { cert: Buffer; key: Buffer } | undefined {
  if (f.tlsCert === undefined && f.tlsKey === undefined) return undefined;
  if (f.tlsCert === undefined || f.tlsKey === undefined)
    throw new Error('--tls-cert and --tls-key go together: give both PEM files, or neither for plain HTTP');
  return { cert: readFileSync(f.tlsCert), key: readFileSync(f.tlsKey) };
}

/** A running `argus serve --api`. */
export interface RunningApi {
  readonly url: string;
  readonly app: FastifyInstance;
  /** Why the web UI is not served, when it was asked for and is not built or installed. */
  readonly uiMissing?: string;
  /** Re-reads the alertmanager config: a bad one throws and leaves the running one in force. */
  reload(): Promise<void>;
  /** Reloads that failed so far. */
  readonly failedReloads: number;
  stop(): Promise<void>;
}

/** Starts the store, the alert manager and the server; listens. */
export async function startApi(
  f: ServeApiFlags,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningApi> {
  const log = ioLogger(io);
  const { host, port } = parseListen(f.listen);
  // read before anything opens, so a missing file fails fast and leaves nothing running
  const tls = readTls(f);
  const oidc = f.oidcConfig === undefined ? undefined : readOidcConfig(f.oidcConfig, env);
  const ui = f.ui === false ? undefined : await findUi(f.uiRoot);
  const store = createStore({ dataDir: f.dataDir, retentionMs: f.retentionMs });
  await store.open({ log: (m) => io.stderr(`argus: ${m}\n`) });
  const state: StateStore = await openStateStore({ dir: serverStateDir(f.dataDir), log });
  const first = readAmConfig(f.alertmanagerConfig);
  let am: AlertManager = createAlertManager({ config: first.config, state, log });
  await am.start();
  let failed = 0;
  let app: FastifyInstance | undefined;
  const reload = async (): Promise<void> => {
    let next: AlertManager;
    let read: ReturnType<typeof readAmConfig>;
    try {
      read = readAmConfig(f.alertmanagerConfig);
      // building it compiles routes, matchers and receivers: a bad config throws here, before anything changes
      next = createAlertManager({ config: read.config, state, log });
    } catch (err) {
      failed++;
      throw err;
    }
    await am.stop();
    await next.start();
    am = next;
    app!.argus.replaceAlertManager({
      alertManager: next,
      ...(read.yaml === undefined ? {} : { alertmanagerYaml: read.yaml }),
      receivers: read.config.receivers.map((r) => r.name),
    });
  };
  app = await createArgusServer({
    alertManager: am,
    store,
    state,
    log,
    receivers: first.config.receivers.map((r) => r.name),
    ...(first.yaml === undefined ? {} : { alertmanagerYaml: first.yaml }),
    reload,
    ...(tls ? { tls } : {}),
    ...(ui && 'root' in ui ? { uiRoot: ui.root } : {}),
    // the server adds the client secret to the values it never shows
    ...(oidc ? { oidc } : {}),
  });
  const url = await app.listen({ host, port });
  return {
    url,
    app,
    ...(ui && 'missing' in ui ? { uiMissing: ui.missing } : {}),
    reload,
    get failedReloads() {
      return failed;
    },
    stop: async () => {
      await app!.close();
      await am.stop();
      await store.close();
    },
  };
}

/** `argus serve --api`: until SIGINT/SIGTERM; SIGHUP reloads the alertmanager config. */
export async function serveApiCommand(f: ServeApiFlags, io: Io): Promise<number> {
  const api = await startApi(f, io);
  const withUi = f.ui !== false && api.uiMissing === undefined;
  io.stderr(
    `argus: serving the Argus API${withUi ? ' and web UI' : ''} on ${api.url} (OpenAPI: ${api.url}/api/openapi.json); Ctrl-C to stop\n`,
  );
  if (api.uiMissing !== undefined) io.stderr(`argus: no web UI: ${api.uiMissing}\n`);
  if (f.oidcConfig !== undefined) io.stderr(`argus: OIDC login at ${api.url}/api/oidc/login\n`);
  const onHup = (): void => {
    api.reload().then(
      () => io.stderr('argus: configuration reloaded\n'),
      (err: Error) =>
        io.stderr(
          `argus: reload failed (${api.failedReloads} so far), the running configuration stays: ${err.message}\n`,
        ),
    );
  };
  process.on('SIGHUP', onHup);
  const signal = await new Promise<string>((ok) => {
    process.once('SIGINT', () => ok('SIGINT'));
    process.once('SIGTERM', () => ok('SIGTERM'));
  });
  process.off('SIGHUP', onHup);
  await api.stop();
  io.stderr(`argus: stopped on ${signal}\n`);
  return 0;
}

/** `argus users add <name> (--admin | --role <role>) --data-dir <dir>`; the password from ARGUS_PASSWORD or made. */
export async function usersAddCommand(
  name: string,
  f: { dataDir: string; role: string },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (!['viewer', 'operator', 'admin', 'sender'].includes(f.role)) {
    io.stderr(`argus: --role must be viewer, operator, admin or sender, got ${JSON.stringify(f.role)}\n`);
    return 2;
  }
  const state = await openStateStore({ dir: serverStateDir(f.dataDir), log: ioLogger(io) });
  const given = env['ARGUS_PASSWORD'];
  const password = given ?? randomBytes(18).toString('base64url');
  const u = await addUser(state, { name, password, role: f.role as 'admin' });
  io.stdout(`argus: user ${u.name} (${u.role}) saved in ${serverStateDir(f.dataDir)}\n`);
  // shown once, never stored in clear: the state keeps only its scrypt hash
  if (given === undefined) io.stdout(`argus: one-time password (shown only now): ${password}\n`);
  return 0;
}
