import { z } from 'zod';
import type { PrometheusAuth } from './client.js';
import type { TlsOptions } from './http.js';
import { MAX_POINTS_PER_SERIES } from './range.js';

/** A PromQL query the source runs, with optional labels for its results. */
export interface QueryInput {
  /** The PromQL expression. */
  expr: string;
  /** Sets `__name__` on results that have none (most functions drop it). */
  metric?: string;
  /** Labels added to every result series. */
  labels?: Readonly<Record<string, string>>;
}

/** Options of `prometheusSource`. */
export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus server, e.g. `http://127.0.0.1:9090`. */
  endpoint: string;
  /** PromQL queries: strings or `{ expr, metric, labels }`. */
  queries: readonly (string | QueryInput)[];
  /** Time between instant queries in stream mode. @default 15000 */
  intervalMs?: number;
  /** Per-request deadline. @default 30000 */
  timeoutMs?: number;
  /** Retries of requests that may succeed later (network, 5xx, 429, timeout). @default 2 */
  retries?: number;
  auth?: PrometheusAuth;
  tls?: TlsOptions;
  /** Points per series per range request in batch mode, at most 11,000 (the server's limit). @default 11000 */
  maxPointsPerRequest?: number;
  /** Plugin name, unique within a pipeline. @default 'prometheus' */
  name?: string;
}

/** Options after parsing. */
export interface ParsedPrometheusOptions {
  endpoint: string;
  queries: QueryInput[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  auth?: PrometheusAuth | undefined;
  tls?: TlsOptions | undefined;
  maxPointsPerRequest: number;
  name?: string | undefined;
}

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name: [a-zA-Z_][a-zA-Z0-9_]*');
const query = z.strictObject({
  expr: z.string().min(1).describe('PromQL expression'),
  metric: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
    .optional()
    .describe('__name__ for results without one'),
  labels: z.record(labelName, z.string()).optional().describe('Labels added to every result'),
});

/** The zod schema of `prometheusSource` options. */
export const prometheusSourceSchema: z.ZodType<ParsedPrometheusOptions, PrometheusSourceOptions> =
  z.strictObject({
    endpoint: z
      .url({ protocol: /^https?$/ })
      .describe('Base URL of the Prometheus server, e.g. http://127.0.0.1:9090'),
    queries: z
      .array(
        z.union([
          z
            .string()
            .min(1)
            .transform((expr) => ({ expr })),
          query,
        ]),
      )
      .min(1)
      .describe('PromQL queries: strings or { expr, metric, labels }'),
    intervalMs: z.number().int().positive().default(15_000).describe('Time between instant queries, in ms'),
    timeoutMs: z.number().int().positive().default(30_000).describe('Per-request deadline, in ms'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('Retries of requests that may succeed later'),
    auth: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
        z.strictObject({ type: z.literal('basic'), username: z.string(), password: z.string() }),
      ])
      .optional()
      .describe('Bearer token or basic auth; never logged'),
    tls: z
      .strictObject({
        ca: z.string().optional(),
        cert: z.string().optional(),
        key: z.string().optional(),
        serverName: z.string().optional(),
        insecureSkipVerify: z.boolean().optional(),
      })
      .optional()
      .describe('TLS: PEM ca/cert/key, serverName, insecureSkipVerify (tests only)'),
    maxPointsPerRequest: z
      .number()
      .int()
      .positive()
      .max(MAX_POINTS_PER_SERIES)
      .default(MAX_POINTS_PER_SERIES)
      .describe('Points per series per range request (the server allows at most 11,000)'),
    name: z.string().min(1).optional().describe('Plugin name, unique within a pipeline'),
  });
