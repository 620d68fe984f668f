import type { AlertManager } from '@argus/alerting';
import type { Clock, Logger } from '@argus/core';
import type { PostedAlerts } from './am/posted.js';
import type { AuditLog } from './audit.js';
import type { WindowLimiter } from './auth/rate.js';
import type { Access, Role } from './auth/roles.js';
import type { Sessions } from './auth/sessions.js';
import type { Tokens } from './auth/tokens.js';
import type { Users } from './auth/users.js';
import type { EventHub } from './events.js';
import type { FindingLog } from './findings.js';
import type { ServerMetrics } from './metrics.js';
import type { ArgusServerOptions } from './options.js';
import type { Redactor } from './redact.js';

/** The options a reload may replace while the server runs. */
export type Replaceable = 'alertManager' | 'alertmanagerYaml' | 'receivers' | 'pipeline' | 'config';

/** Who made a request. */
export interface Principal {
  readonly via: 'token' | 'session' | 'anonymous';
  /** The user name, or `token:<name>`. */
  readonly name: string;
  readonly role: Role;
  /** Sessions only: the CSRF token their state-changing requests must carry. */
  readonly csrf?: string;
  /** Sessions only: the cookie value, to end it on logout. */
  readonly sessionId?: string;
}

/** What every route group gets: the running Argus and the server's own parts. */
export interface ServerContext {
  /** The options in force (a reload replaces the alert manager, its YAML, the pipeline and the config). */
  readonly o: ArgusServerOptions;
  readonly am: AlertManager;
  reconfigure(next: Partial<Pick<ArgusServerOptions, Replaceable>>): void;
  readonly clock: Clock;
  readonly log: Logger;
  readonly audit: AuditLog;
  readonly tokens: Tokens;
  readonly users: Users;
  readonly sessions: Sessions;
  readonly redact: Redactor;
  readonly posted: PostedAlerts;
  readonly hub: EventHub;
  /** Findings for `/api/findings` and `/api/series`: the store's, else the pipeline's recent ones. */
  readonly findings: FindingLog;
  /** What `GET /metrics` exposes. */
  readonly metrics: ServerMetrics;
  /** Bearer-token limits: requests per token, and wrong tokens per client address. */
  readonly limits: { readonly tokenUse: WindowLimiter; readonly tokenFailures: WindowLimiter };
  readonly startedAt: number;
}

/** The route table: every route and the permission it needs. */
export interface RouteRule {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; a route without one fails at registration. */
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}
