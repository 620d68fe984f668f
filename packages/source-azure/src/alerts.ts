import { defineSource, type ListeningSource, pushListener } from '@argus/core';
import { z } from 'zod';
import { createAzureAlertHandler } from './alert-handler.js';

/** Options of {@link azureAlertsSource}. */
export interface AzureAlertsSourceOptions {
  /** Plugin name, unique in the pipeline. @default 'azure-alerts' */
  name?: string;
  /** Shared secret the webhook URL carries as `?token=…`; at least 16 characters. */
  token: string;
  /** Address to listen on. @default { host: '127.0.0.1', port: 9095 } */
  listen?: { host?: string; port?: number };
  /** Path the webhook posts to. @default '/azure/alerts' */
  path?: string;
  /** Largest accepted body, bytes. @default 262144 */
  maxBodyBytes?: number;
  /** Serve HTTPS with this certificate and key (PEM files); plain HTTP behind a TLS proxy when absent. */
  tls?: { certFile: string; keyFile: string };
}

/** The alerts source, with the address it listens on once started. */
export interface AzureAlertsSource extends ListeningSource {
  /** `http(s)://host:port/path` once listening (without the token), else `undefined`. */
  url(): string | undefined;
}

type Parsed = Required<Omit<AzureAlertsSourceOptions, 'tls' | 'listen'>> & {
  listen: { host: string; port: number };
  tls?: { certFile: string; keyFile: string } | undefined;
};

/** Schema of {@link AzureAlertsSourceOptions}. */
export const azureAlertsOptions: z.ZodType<Parsed, AzureAlertsSourceOptions> = z.strictObject({
  name: z.string().default('azure-alerts').describe('Plugin name, unique in the pipeline'),
  token: z
    .string()
    .min(16, 'at least 16 characters (e.g. openssl rand -hex 24)')
    .describe('Shared secret of the webhook URL (?token=)'),
  listen: z
    .strictObject({
      host: z.string().default('127.0.0.1').describe('Interface to bind'),
      port: z.number().int().min(0).max(65535).default(9095).describe('Port; 0 picks a free one'),
    })
    .default({ host: '127.0.0.1', port: 9095 })
    .describe('Address to listen on'),
  path: z.string().startsWith('/').default('/azure/alerts').describe('Path the webhook posts to'),
  maxBodyBytes: z.number().int().positive().default(262_144).describe('Largest accepted body, bytes'),
  tls: z
    .strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) })
    .optional()
    .describe('Serve HTTPS with this PEM certificate and key'),
});

function create(o: Parsed): Omit<AzureAlertsSource, 'kind' | 'apiVersion'> {
  return pushListener({
    name: o.name,
    listen: o.listen,
    path: o.path,
    tls: o.tls,
    protocol: 'Azure Monitor alerts',
    notFound: { contentType: 'application/json', body: JSON.stringify({ error: `post to ${o.path}` }) },
    handler: (ctx, emit) =>
      createAzureAlertHandler({
        token: o.token,
        maxBodyBytes: o.maxBodyBytes,
        log: ctx.log,
        now: () => ctx.clock.now(),
        emit,
      }),
  });
}

/**
 * Receives Azure Monitor alerts: an action-group webhook (Common Alert Schema) posts to this source's own
 * small HTTP(S) listener; Fired/Resolved become alert events (`alertEvents` batches) for alert management.
 * To mount the receiver on a server you already run, use {@link createAzureAlertHandler} instead.
 * @example
 * azureAlertsSource({ token: process.env.ARGUS_AZURE_TOKEN!, listen: { port: 9095 } })
 */
export function azureAlertsSource(options: AzureAlertsSourceOptions): AzureAlertsSource {
  return defineSource({ name: 'azure-alerts', options: azureAlertsOptions, create })(
    options,
  ) as AzureAlertsSource;
}
