import type { AlertManager } from '@argus/alerting';
import type { Clock, Logger, Pipeline, StateStore } from '@argus/core';
import type { PromApi } from '@argus/promql';
import type { Store } from '@argus/store';
import { z } from 'zod';
import { type OidcOptions, oidcOptionsSchema } from './auth/oidc-options.js';
import type { Role } from './auth/roles.js';
import { type JobsOptions, jobsOptionsSchema } from './jobs/options.js';
import type { Webhook } from './routes/webhooks.js';

/** Reloads of the configuration so far (as Prometheus counts its own), for `/api/health` and `/metrics`. */
export interface ReloadStatus {
  /** Reloads tried. */
  total: number;
  /** Reloads refused (a bad config: the running one stayed in force) or that failed to start. */
  failures: number;
  lastSuccessful: boolean;
  /** When the configuration in force was loaded (the start, or the last good reload), ms since the epoch. */
  lastSuccessAt: number;
  /** Why the last reload failed, while it is the latest. */
  lastError?: string;
}

/** A one-time login link (`GET /login?once=<secret>`), as `argus demo` prints one. */
export interface LoginLink {
  /** The link's secret: random, at least 16 characters, shown once. */
  secret: string;
  /** Who the session is for. */
  user: string;
  role: Role;
}

/** Options of {@link createArgusServer}, {@link argusApi} and {@link argusHandler}. */
export interface ArgusServerOptions {
  /** The running alert manager (`startArgus(…).alertManager`, or your own `createAlertManager`). */
  alertManager: AlertManager;
  /** The running pipeline, for health and plugin stats. */
  pipeline?: Pipeline;
  /** The store behind Prometheus's query API at `/api/v1` (ignored when `promApi` is given). */
  store?: Store;
  /** A ready Prometheus query API to mount at `/api/v1`. @default built over `store` when given */
  promApi?: PromApi;
  /** Where API tokens, users, sessions and the audit log live (core's state store interface). */
  state: StateStore;
  /** The configuration in force, shown to admins with secrets redacted. */
  config?: unknown;
  /** The Alertmanager YAML in force, shown in `/api/v2/status` as `config.original` with secrets as `<secret>`. */
  alertmanagerYaml?: string;
  /** Receiver names listed by `/api/v2/receivers` (those of groups holding alerts are added). */
  receivers?: readonly string[];
  /** Secret values (tokens, webhook URLs, passwords) that must never appear in a response or a log line. */
  secrets?: readonly string[];
  /** Largest request body accepted, in bytes (also on the Argus routes when mounted in your app). @default 1048576 */
  bodyLimitBytes?: number;
  /** How long an alert posted to `/api/v2/alerts` without `endsAt` stays firing (Alertmanager's `resolve_timeout`). @default 300000 */
  resolveTimeoutMs?: number;
  /**
   * Serve HTTPS with this PEM certificate (chain) and private key; `createArgusServer` only (when mounting, your
   * server owns the listener). @default plain HTTP
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Set the `Secure` flag on session cookies (serve over TLS, or behind a TLS proxy). @default true with `tls`, else false */
  secureCookies?: boolean;
  /** Lifetime of a login session, in ms. @default 43200000 (12 h) */
  sessionTtlMs?: number;
  /** OIDC login (authorization code with PKCE) at `GET /api/oidc/login`, roles mapped from a claim. @default off */
  oidc?: OidcOptions;
  /** Login attempts allowed per client address and minute. @default 10 */
  loginPerMinute?: number;
  /** Requests one API token may make per minute; past it, 429 until the minute ends. @default 1200 */
  tokenPerMinute?: number;
  /** Wrong bearer tokens one client address may send per minute; past it, its bearer requests get 429. @default 10 */
  tokenFailuresPerMinute?: number;
  /** Live events one slow client may have waiting before it is cut off (it resumes with Last-Event-ID). @default 1000 */
  sseBacklog?: number;
  /** Recent pipeline findings kept for `/api/findings` and `/api/series` when there is no `store`. @default 10000 */
  findingsKept?: number;
  /**
   * Who may read `GET /metrics`: anyone (`public`, as Prometheus and Alertmanager serve their own `/metrics`), or
   * viewers and up (`read`: Prometheus then scrapes with a viewer token in `authorization`). @default 'public'
   */
  metricsAuth?: 'public' | 'read';
  /** Limits of the historical analysis jobs at `/api/analysis/jobs` (worker threads over `store`). */
  jobs?: JobsOptions;
  /** @default the system clock */
  clock?: Clock;
  log?: Logger;
  /** Extra `/-/ready` condition, e.g. the store has loaded. */
  ready?: () => boolean;
  /** Validates and applies a new configuration on `POST /-/reload` (and SIGHUP in `argus serve`); throws on a bad one. */
  reload?: () => Promise<void>;
  /** Reload counts, shown in `/api/health` and as `argus_config_*` at `/metrics`. */
  reloadStatus?: () => ReloadStatus;
  /** Shown in `/api/v2/status` and build info. @default '0.25.0' */
  version?: string;
  /**
   * Webhook receivers to mount (POST), each checking its own shared secret: e.g. Azure Monitor's Common Alert
   * Schema webhook (`createAzureAlertHandler` from @argus/source-azure) at `/azure/alerts`. @default none
   */
  webhooks?: readonly Webhook[];
  /** Serve a one-time login link at `GET /login?once=<secret>` (spent on first use). @default none */
  loginLink?: LoginLink;
  /** Folder of the built web UI (`uiRoot` from `@argus/ui`) to serve at `/`; none by default. */
  uiRoot?: string;
  /** For tests: role given to requests without credentials. @default none (401) */
  anonymousRole?: Role;
}

const obj = (what: string) =>
  z.custom<object>((v) => typeof v === 'object' && v !== null, { message: `must be ${what}` });

/** Runtime check of {@link ArgusServerOptions}. */
export const serverOptionsSchema: z.ZodType<object> = z.object({
  alertManager: obj('an AlertManager (createAlertManager or startArgus().alertManager)'),
  pipeline: obj('a Pipeline').optional(),
  store: obj('a Store (createStore)').optional(),
  promApi: obj('a PromApi (createPromApi)').optional(),
  state: obj('a StateStore (memoryStateStore, openStateStore)'),
  config: z.unknown().optional(),
  alertmanagerYaml: z.string().optional(),
  secrets: z.array(z.string()).optional(),
  receivers: z.array(z.string()).optional(),
  bodyLimitBytes: z.number().int().positive().optional(),
  resolveTimeoutMs: z.number().int().positive().optional(),
  tls: z
    .object({
      cert: z.union([z.string().min(1), z.instanceof(Buffer)]).describe('PEM certificate'),
      key: z.union([z.string().min(1), z.instanceof(Buffer)]).describe('PEM private key'),
    })
    .optional(),
  secureCookies: z.boolean().optional(),
  sseBacklog: z.number().int().positive().optional(),
  sessionTtlMs: z.number().int().positive().optional(),
  findingsKept: z.number().int().positive().optional(),
  loginPerMinute: z.number().int().positive().optional(),
  oidc: oidcOptionsSchema.optional(),
  tokenPerMinute: z.number().int().positive().optional(),
  tokenFailuresPerMinute: z.number().int().positive().optional(),
  jobs: jobsOptionsSchema.optional(),
  metricsAuth: z.enum(['public', 'read']).optional(),
  clock: obj('a Clock').optional(),
  log: obj('a Logger').optional(),
  ready: z.custom<() => boolean>((v) => typeof v === 'function').optional(),
  reload: z.custom<() => Promise<void>>((v) => typeof v === 'function').optional(),
  reloadStatus: z.custom<() => ReloadStatus>((v) => typeof v === 'function').optional(),
  version: z.string().optional(),
  uiRoot: z.string().min(1).optional(),
  loginLink: z
    .object({
      secret: z.string().min(16, 'at least 16 characters'),
      user: z.string().min(1),
      role: z.enum(['viewer', 'operator', 'admin', 'sender']),
    })
    .optional(),
  webhooks: z
    .array(
      z.object({
        path: z.string().startsWith('/', 'must start with /'),
        handler: z.custom<Webhook['handler']>((v) => typeof v === 'function', {
          message: 'must be a function',
        }),
      }),
    )
    .optional(),
  anonymousRole: z.enum(['viewer', 'operator', 'admin', 'sender']).optional(),
});
