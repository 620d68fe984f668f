import type { AlertManagerConfig } from '@argus/alerting';
import { z } from 'zod';

// The `server:` block of a config file: where `argus run` serves @argus/server (the API and the web UI) over the
// pipeline it runs. Files named here are relative to the config's folder.

/** Where `argus run` and `argus demo` serve the API and UI unless told otherwise: Alertmanager's port, loopback. */
export const DEFAULT_SERVER_LISTEN = '127.0.0.1:9093';

/** The alert manager's config when none is given: every alert to one receiver, `default`, with no integrations. */
export const DEFAULT_AM: AlertManagerConfig = {
  route: { receiver: 'default' },
  receivers: [{ name: 'default' }],
};

const LISTEN = /^(?:\[[^\]]+\]|[^:[\]]*):\d{1,5}$/;
const ROLE = z.enum(['viewer', 'operator', 'admin', 'sender']);

type Role = 'viewer' | 'operator' | 'admin' | 'sender';

/** The `server.azureAlerts` block with defaults applied. */
export interface AzureAlertsSettings {
  path: string;
  tokenEnv: string;
  name: string;
}

/** The `server.investigation` block: background investigations of firing alert groups by an Ollama model. */
export interface InvestigationSettings {
  /** The model and its budgets: @argus/detector-ollama's options (model, host, timeoutMs, anonymizeLabels, …). */
  ollama: Record<string, unknown>;
  /** Deadline of one investigation. @default 300000 */
  timeoutMs?: number | undefined;
  /** Investigations at once; a group notified while all are busy is skipped (counted). @default 4 */
  maxInFlight?: number | undefined;
}

/** The `server.auth.oidc` block: OIDC login; the client secret is read from an env var or a file, never inline. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecretEnv?: string | undefined;
  clientSecretFile?: string | undefined;
  redirectUri: string;
  roleClaim?: string | undefined;
  roles: Record<string, Role>;
  scope?: string | undefined;
}

/** The `server:` block with defaults applied (see the schema's descriptions). */
export interface ServerSettings {
  listen: string;
  ui: boolean;
  uiRoot?: string | undefined;
  tls?: { certFile: string; keyFile: string } | undefined;
  auth: {
    anonymousRole?: Role | undefined;
    sessionTtlMs?: number | undefined;
    firstAdmin: boolean;
    metrics?: 'public' | 'read' | undefined;
    oidc?: OidcSettings | undefined;
  };
  azureAlerts?: AzureAlertsSettings | undefined;
  alertmanagerConfig?: string | undefined;
  investigation?: InvestigationSettings | undefined;
}

/** The `server:` block as written in a config: every field may be left out. */
export type ServerSettingsInput = {
  [K in keyof ServerSettings]?: K extends 'auth' | 'azureAlerts'
    ? Partial<NonNullable<ServerSettings[K]>>
    : ServerSettings[K];
};

/** The `server.auth.oidc` block (also `argus serve --api --oidc-config <file>`'s file). */
export const oidcSettingsSchema: z.ZodType<OidcSettings, OidcSettings> = z
  .strictObject({
    issuer: z
      .url()
      .describe(
        "The identity provider's issuer URL (discovery at <issuer>/.well-known/openid-configuration)",
      ),
    clientId: z.string().min(1).describe('This client as registered at the provider'),
    clientSecretEnv: z
      .string()
      .min(1)
      .optional()
      .describe('Environment variable holding the client secret (confidential clients)'),
    clientSecretFile: z
      .string()
      .min(1)
      .optional()
      .describe("File holding the client secret, relative to the config's folder (trailing newline dropped)"),
    redirectUri: z
      .url()
      .describe(
        "This server's callback as registered at the provider: https://argus.example/api/oidc/callback",
      ),
    roleClaim: z
      .string()
      .min(1)
      .optional()
      .describe("The claim with the user's groups or roles. @default groups"),
    roles: z
      .record(z.string(), ROLE)
      .describe('Claim value → Argus role; the strongest match wins; a user with none is refused'),
    scope: z.string().min(1).optional().describe('@default openid profile email'),
  })
  .refine((o) => !(o.clientSecretEnv && o.clientSecretFile), {
    message: 'give the client secret once: clientSecretEnv or clientSecretFile, not both',
    path: ['clientSecretFile'],
  });

/** The `server:` block: the HTTP API (and web UI) over the running pipeline. */
export const serverSettingsSchema: z.ZodType<ServerSettings, ServerSettingsInput> = z.strictObject({
  listen: z
    .string()
    .regex(LISTEN, 'must be host:port, e.g. 127.0.0.1:9093 (loopback) or 0.0.0.0:9093 (all interfaces)')
    .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65_535, 'the port must be at most 65535')
    .default(DEFAULT_SERVER_LISTEN)
    .describe('Address and port of the API and web UI. @default 127.0.0.1:9093 (loopback only)'),
  ui: z.boolean().default(true).describe('Serve the web UI (@argus/ui, when built) at /. @default true'),
  uiRoot: z
    .string()
    .min(1)
    .optional()
    .describe('Folder of a built web UI to serve instead of the installed @argus/ui (or env ARGUS_UI_ROOT)'),
  tls: z
    .strictObject({
      certFile: z.string().min(1).describe('PEM certificate (chain) file'),
      keyFile: z.string().min(1).describe('PEM private key file'),
    })
    .optional()
    .describe('Serve HTTPS; session cookies then get Secure'),
  auth: z
    .strictObject({
      anonymousRole: ROLE.optional().describe(
        'Role given to requests without credentials (e.g. viewer on a trusted network). @default none: 401',
      ),
      sessionTtlMs: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Login session lifetime. @default 43200000'),
      firstAdmin: z
        .boolean()
        .default(true)
        .describe('With no user yet, create `admin` with a one-time password printed once. @default true'),
      metrics: z
        .enum(['public', 'read'])
        .optional()
        .describe(
          "Who may scrape /metrics: 'public' (as Prometheus serves its own) or 'read' (a viewer token or better). @default public",
        ),
      oidc: oidcSettingsSchema
        .optional()
        .describe('OIDC login (authorization code + PKCE) through an identity provider, at /api/oidc/login'),
    })
    .default({ firstAdmin: true })
    .describe('Credentials: users (argus users add --data-dir <pipeline.dataDir>), tokens, sessions'),
  azureAlerts: z
    .strictObject({
      path: z
        .string()
        .startsWith('/', 'must start with /')
        .default('/azure/alerts')
        .describe('Path Azure posts to'),
      tokenEnv: z
        .string()
        .min(1)
        .default('ARGUS_AZURE_TOKEN')
        .describe(
          'Environment variable with the shared secret the webhook URL carries as ?token= (≥ 16 characters)',
        ),
      name: z.string().min(1).default('azure-alerts').describe('Name of the source it feeds'),
    })
    .optional()
    .describe("Azure Monitor's Common Alert Schema webhook on this server (needs @argus/source-azure)"),
  alertmanagerConfig: z
    .string()
    .min(1)
    .optional()
    .describe(
      'An alertmanager.yml for the alert manager behind the API (routes, receivers); default: one receiver',
    ),
  investigation: z
    .strictObject({
      ollama: z
        .record(z.string(), z.unknown(), {
          error: 'expected the Ollama options, e.g. { model: qwen2.5:3b } (see @argus/detector-ollama)',
        })
        .describe("@argus/detector-ollama's options: model, host, timeoutMs, budget, anonymizeLabels, …"),
      timeoutMs: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Deadline of one investigation. @default 300000'),
      maxInFlight: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Investigations at once; more groups are skipped (counted). @default 4'),
    })
    .optional()
    .describe(
      'When an alert fires, an Ollama model investigates its group; the answer is attached and sent once as a follow-up (needs @argus/detector-ollama)',
    ),
});
