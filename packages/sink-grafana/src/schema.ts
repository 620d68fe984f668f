import { z } from 'zod';

/** Options of {@link grafanaSink}. */
export interface GrafanaSinkOptions {
  /** Grafana's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** A service-account token (`glsa_…`) with the Editor role; sent as a Bearer token and never logged. */
  token: string;
  /** Plugin name; unique within a pipeline. @default 'grafana' */
  name?: string;
  /** Tags on every annotation, so a dashboard's annotation query can find them. @default ['argus'] */
  tags?: string[];
  /** Series labels that become `label:value` tags when present. @default ['alertname', 'severity', 'job', 'instance'] */
  labelTags?: string[];
  /** Which findings become annotations: `confirmed` (a judge said so), `all` (score ≥ minScore, not dismissed), `none`. @default 'confirmed' */
  findings?: 'confirmed' | 'all' | 'none';
  /** Lowest score of a finding annotated when `findings` is `all`. @default 0.9 */
  minScore?: number;
  /** Attach the annotations to this dashboard (and `panelId`); without it they are organisation annotations. */
  dashboardUid?: string;
  /** Panel of `dashboardUid` to attach the annotations to. */
  panelId?: number;
  /** The data source `healthcheck` expects to exist (e.g. `argus` or `prometheus`). */
  datasourceUid?: string;
  /** Deadline of one HTTP request, ms. @default 10000 */
  timeoutMs?: number;
  /** Retries of a retryable request (network, 429, 5xx) within one write. @default 3 */
  maxRetries?: number;
  /** First retry delay, doubled per retry, ms. @default 500 */
  backoffMs?: number;
  /** Annotations written at once. @default 4 */
  concurrency?: number;
  /** How long the state store remembers a closed annotation's id (open alert regions are kept until closed). @default 604800000 (7 days) */
  retentionMs?: number;
}

/** Parsed options, defaults filled in. */
export type ParsedGrafanaSinkOptions = Required<
  Omit<GrafanaSinkOptions, 'dashboardUid' | 'panelId' | 'datasourceUid'>
> &
  Pick<GrafanaSinkOptions, 'dashboardUid' | 'panelId' | 'datasourceUid'>;

/** The options schema; every field carries a description for the README table. */
export const grafanaSinkSchema: z.ZodType<ParsedGrafanaSinkOptions, GrafanaSinkOptions> = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('Grafana base URL, e.g. http://127.0.0.1:3000'),
  token: z.string().min(1).describe('Service-account token (Editor role); never logged'),
  name: z.string().default('grafana').describe('Plugin name; unique within a pipeline'),
  tags: z.array(z.string().min(1)).default(['argus']).describe('Tags on every annotation'),
  labelTags: z
    .array(z.string().min(1))
    .default(['alertname', 'severity', 'job', 'instance'])
    .describe('Series labels turned into label:value tags'),
  findings: z
    .enum(['confirmed', 'all', 'none'])
    .default('confirmed')
    .describe('Which findings become annotations'),
  minScore: z.number().min(0).max(1).default(0.9).describe('Lowest score annotated when findings is all'),
  dashboardUid: z.string().min(1).max(40).optional().describe('Dashboard the annotations belong to'),
  panelId: z.number().int().nonnegative().optional().describe('Panel of dashboardUid'),
  datasourceUid: z.string().min(1).optional().describe('Data source the healthcheck expects to exist'),
  timeoutMs: z.number().int().positive().default(10_000).describe('Deadline of one HTTP request, ms'),
  maxRetries: z.number().int().nonnegative().default(3).describe('Retries of a retryable request'),
  backoffMs: z.number().int().positive().default(500).describe('First retry delay, doubled per retry, ms'),
  concurrency: z.number().int().positive().max(32).default(4).describe('Annotations written at once'),
  retentionMs: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3_600_000)
    .describe('How long a closed annotation id is remembered, ms'),
});
