// @argus/server over a running pipeline: what `argus run` (a `server:` block), `argus demo` and `argus serve --api`
// share — the alert manager's config, the web UI's folder, a first admin, and listening.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type AlertManager, type AlertManagerConfig, loadAlertmanagerConfig } from '@argus/alerting';
import type { Logger, Pipeline, StateStore } from '@argus/core';
import { createEngine, createPromApi, type PromApi, storeQueryable } from '@argus/promql';
import {
  addUser,
  createArgusServer,
  listUsers,
  type OidcOptions,
  type ReloadStatus,
  type Webhook,
} from '@argus/server';
import type { Store } from '@argus/store';
import { DEFAULT_AM, type ServerSettings } from './config/server-schema.js';
import { parseListen } from './promql-commands.js';

type FastifyInstance = Awaited<ReturnType<typeof createArgusServer>>;

/** Reads and checks an alertmanager.yml; throws naming the file and the problem. */
export function readAmConfig(file: string | undefined): { config: AlertManagerConfig; yaml?: string } {
  if (file === undefined) return { config: DEFAULT_AM };
  const yaml = readFileSync(file, 'utf8');
  return { config: loadAlertmanagerConfig(yaml, { source: file }), yaml };
}

/** The built web UI's folder, or why there is none. */
export type UiFolder = { root: string } | { missing: string };

/**
 * Finds the web UI to serve: `explicit` (a config's `server.uiRoot`, `--ui-root`), else env `ARGUS_UI_ROOT`, else
 * the installed @argus/ui's dist. A folder named explicitly that holds no built UI throws; a missing default is
 * reported (the API is served without the UI).
 */
export async function findUi(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<UiFolder> {
  const given = explicit ?? env['ARGUS_UI_ROOT'];
  if (given !== undefined) {
    if (!existsSync(join(given, 'index.html')))
      throw new Error(
        `the web UI folder ${given} has no index.html: point it at a built UI (packages/ui/dist after \`pnpm --filter @argus/ui build\`)`,
      );
    return { root: given };
  }
  let root: string;
  try {
    // a variable specifier: @argus/ui is optional (a private package, present in the repository and the image)
    const specifier = '@argus/ui';
    root = ((await import(specifier)) as { uiRoot: string }).uiRoot;
  } catch {
    return {
      missing:
        'the web UI (@argus/ui) is not installed here; set server.uiRoot, --ui-root or ARGUS_UI_ROOT to a built UI folder',
    };
  }
  if (!existsSync(join(root, 'index.html'))) return { missing: uiNotBuilt(join(root, 'index.html'), env) };
  return { root };
}

/** Set by `pnpm demo` (scripts/demo.mjs) when it has started building the web UI in the background. */
export const UI_BUILDING_ENV = 'ARGUS_UI_BUILDING';

/**
 * Why the installed web UI is not served: being built in the background by `pnpm demo` (the server reads the UI
 * folder when it starts, so the next run serves it), or not built at all; both name the command to build it now.
 */
export function uiNotBuilt(index: string, env: NodeJS.ProcessEnv = process.env): string {
  const build = '`pnpm --filter @argus/ui build`';
  return env[UI_BUILDING_ENV] === '1'
    ? `the web UI is being built in the background (no ${index} yet); it is served from the next run on, or run ${build} now and restart`
    : `the web UI is not built (no ${index}): run ${build}`;
}

/** What {@link startLiveServer} needs: the settings and the running Argus. */
export interface LiveServerOptions {
  settings: ServerSettings;
  /** The folder `tls` files and `uiRoot` are relative to (the config's). */
  dir: string;
  alertManager: AlertManager;
  pipeline?: Pipeline;
  store?: Store;
  state: StateStore;
  log: Logger;
  config?: unknown;
  alertmanagerYaml?: string;
  receivers?: readonly string[];
  reload?: () => Promise<void>;
  reloadStatus?: () => ReloadStatus;
  webhooks?: readonly Webhook[];
  secrets?: readonly string[];
  /** OIDC login (`server.auth.oidc`, its client secret read and also in `secrets`). */
  oidc?: OidcOptions;
  /** Print and serve a one-time login link for the first admin (the demo). */
  loginLink?: boolean;
  /** When the default port is taken, listen on any free one (the demo) instead of failing. */
  anyPortIfTaken?: boolean;
  /**
   * The rule groups running in process now (read on each request, so a reload's groups show), for `/api/v1/rules`
   * and `/api/v1/alerts`: the web UI's alert detail finds the alert's rule and expression there.
   */
  rules?: () => RulesView | undefined;
}

/** What `/api/v1/rules` and `/api/v1/alerts` answer from: an `@argus/alerting` `RuleGroups`. */
export interface RulesView {
  rules(type?: 'alert' | 'record'): { groups: unknown[] };
  alerts(): { alerts: unknown[] };
}

/** Prometheus's query API over the store, with the running rule groups' rules and alerts. */
function promApiWithRules(store: Store, rules: () => RulesView | undefined): PromApi {
  const queryable = storeQueryable(store);
  return createPromApi({
    engine: createEngine({ queryable }),
    queryable,
    rules: (type) => rules()?.rules(type) ?? { groups: [] },
    alerts: () => rules()?.alerts() ?? { alerts: [] },
  });
}

/** A server listening over a running Argus. */
export interface LiveServer {
  readonly url: string;
  readonly app: FastifyInstance;
  /** Why the UI is not served, when it was asked for and is not there. */
  readonly uiMissing?: string;
  /** The first admin made at this start (the password is shown once, never stored in clear). */
  readonly firstAdmin?: { name: string; password: string };
  /** A one-time login link (`<url>/login?once=…`), spent on first use. */
  readonly loginUrl?: string;
  close(): Promise<void>;
}

async function firstAdmin(o: LiveServerOptions): Promise<LiveServer['firstAdmin']> {
  if (!o.settings.auth.firstAdmin || (await listUsers(o.state)).length > 0) return undefined;
  const user = { name: 'admin', password: randomBytes(18).toString('base64url') };
  await addUser(o.state, { ...user, role: 'admin' });
  return user;
}

async function listen(app: FastifyInstance, raw: string, anyPort: boolean): Promise<string> {
  const { host, port } = parseListen(raw);
  try {
    return await app.listen({ host, port });
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE' && anyPort) return app.listen({ host, port: 0 });
    throw new Error(
      `server.listen: cannot listen on ${raw} (${(err as Error).message}); choose another host:port`,
    );
  }
}

/** Starts @argus/server (API, and the web UI unless `settings.ui` is false) over the running Argus and listens. */
export async function startLiveServer(o: LiveServerOptions): Promise<LiveServer> {
  const s = o.settings;
  const ui = s.ui ? await findUi(s.uiRoot === undefined ? undefined : resolve(o.dir, s.uiRoot)) : undefined;
  const tls = s.tls
    ? { cert: readFileSync(resolve(o.dir, s.tls.certFile)), key: readFileSync(resolve(o.dir, s.tls.keyFile)) }
    : undefined;
  const admin = await firstAdmin(o);
  const once = o.loginLink && admin ? randomBytes(24).toString('base64url') : undefined;
  const app = await createArgusServer({
    alertManager: o.alertManager,
    state: o.state,
    log: o.log,
    ...(o.pipeline ? { pipeline: o.pipeline } : {}),
    ...(o.store ? { store: o.store } : {}),
    ...(o.store && o.rules ? { promApi: promApiWithRules(o.store, o.rules) } : {}),
    ...(o.config === undefined ? {} : { config: o.config }),
    ...(o.alertmanagerYaml === undefined ? {} : { alertmanagerYaml: o.alertmanagerYaml }),
    ...(o.receivers ? { receivers: o.receivers } : {}),
    ...(o.reload ? { reload: o.reload } : {}),
    ...(o.reloadStatus ? { reloadStatus: o.reloadStatus } : {}),
    ...(o.webhooks ? { webhooks: o.webhooks } : {}),
    ...(o.secrets ? { secrets: o.secrets } : {}),
    ...(o.oidc ? { oidc: o.oidc } : {}),
    ...(tls ? { tls } : {}),
    ...(s.auth.anonymousRole ? { anonymousRole: s.auth.anonymousRole } : {}),
    ...(s.auth.sessionTtlMs ? { sessionTtlMs: s.auth.sessionTtlMs } : {}),
    ...(s.auth.metrics ? { metricsAuth: s.auth.metrics } : {}),
    ...(ui && 'root' in ui ? { uiRoot: ui.root } : {}),
    ...(once && admin ? { loginLink: { secret: once, user: admin.name, role: 'admin' as const } } : {}),
  });
  let url: string;
  try {
    url = await listen(app, s.listen, o.anyPortIfTaken === true);
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    url,
    app,
    ...(ui && 'missing' in ui ? { uiMissing: ui.missing } : {}),
    ...(admin ? { firstAdmin: admin } : {}),
    ...(once ? { loginUrl: `${url}/login?once=${once}` } : {}),
    close: () => app.close(),
  };
}

/** The lines a banner prints about a started server: where it is, how to log in, why there is no UI. */
export function serverLines(s: LiveServer, ui: boolean): string[] {
  const lines = [
    ui && s.uiMissing === undefined
      ? `web UI and API on ${s.url}/ (OpenAPI: ${s.url}/api/openapi.json)`
      : `API on ${s.url}/api/ (OpenAPI: ${s.url}/api/openapi.json)`,
  ];
  if (s.loginUrl) lines.push(`open ${s.loginUrl} to log in (works once)`);
  if (s.firstAdmin)
    lines.push(
      `log in as ${s.firstAdmin.name} with the one-time password ${s.firstAdmin.password} (shown only now)`,
    );
  if (ui && s.uiMissing !== undefined) lines.push(`no web UI: ${s.uiMissing}`);
  return lines;
}
