import { z } from 'zod';
import { type AzureAuth, azureAuthSchema } from './auth.js';
import { requestFields, resourceIdSchema } from './internal/common-options.js';

/** Options of {@link azureLogsSource}. */
export interface AzureLogsSourceOptions {
  /** Plugin name, unique in the pipeline. @default 'azure-logs' */
  name?: string;
  /** Credential; DefaultAzureCredential when absent. @default { type: 'default' } */
  auth?: AzureAuth;
  /** Log Analytics workspace id (a GUID). Give this or `resourceId`. */
  workspaceId?: string;
  /** ARM id of a resource whose logs to query (resource-context query). Give this or `workspaceId`. */
  resourceId?: string;
  /** The KQL query. The time range is passed separately; do not filter on TimeGenerated for it. */
  query: string;
  /** Other workspaces the query spans. */
  additionalWorkspaces?: string[];
  /** Query endpoint, used verbatim (include `/v1`). @default https://api.loganalytics.io/v1 */
  endpoint?: string;
  /** First poll's window and the longest catch-up after failures, ms. @default 300000 */
  lookbackMs?: number;
  /** Ingestion latency to wait out: each poll reads up to now − delayMs. @default 120000 */
  delayMs?: number;
  /** Range reads are split into queries of this span, ms (results cap at 500,000 rows). @default 3600000 */
  chunkMs?: number;
  /** Server-side query timeout, ms (at most 600000). @default the service's 180000 */
  serverTimeoutMs?: number;
  /** `series` when the table has a time column and numeric columns (`auto`), else log records. @default 'auto' */
  output?: 'auto' | 'logs' | 'series';
  /** Time column. @default the first datetime column (series), TimeGenerated (logs) */
  timeColumn?: string;
  /** Numeric columns that become series. @default every int/long/real/decimal column */
  valueColumns?: string[];
  /** Columns that become labels. @default string/guid/bool columns for series, none for logs */
  labelColumns?: string[];
  /** Column with the log message. @default Message, Description, … or the whole row as JSON */
  messageColumn?: string;
  /** Column with the severity. @default SeverityLevel, Severity or Level */
  severityColumn?: string;
  /** Series are named `<metricPrefix>_<column>`. @default 'azure_logs' */
  metricPrefix?: string;
  /** @default 30000 */
  requestTimeoutMs?: number;
  /** @default 3 */
  maxRetries?: number;
  /** @default 1000 */
  retryDelayMs?: number;
  /** @default 'warn' */
  partialErrors?: 'warn' | 'fail';
}

type Optional =
  | 'workspaceId'
  | 'resourceId'
  | 'additionalWorkspaces'
  | 'endpoint'
  | 'serverTimeoutMs'
  | 'timeColumn'
  | 'valueColumns'
  | 'labelColumns'
  | 'messageColumn'
  | 'severityColumn';
/** Parsed options: defaults applied. */
export type LogsParsed = Required<Omit<AzureLogsSourceOptions, Optional>> &
  Pick<AzureLogsSourceOptions, Optional>;

const positiveInt = z.number().int().positive();
const column = z.string().min(1);

/** Schema of {@link AzureLogsSourceOptions}. */
export const azureLogsOptions: z.ZodType<LogsParsed, AzureLogsSourceOptions> = z
  .strictObject({
    name: z.string().default('azure-logs').describe('Plugin name, unique in the pipeline'),
    auth: azureAuthSchema,
    workspaceId: z.string().min(1).optional().describe('Log Analytics workspace id; or give resourceId'),
    resourceId: resourceIdSchema
      .optional()
      .describe('ARM id of a resource to query in context; or give workspaceId'),
    query: z.string().min(1).describe('KQL query; the time range is sent separately'),
    additionalWorkspaces: z.array(z.string().min(1)).optional().describe('Other workspaces the query spans'),
    ...requestFields,
    lookbackMs: positiveInt.default(300_000).describe("First poll's window and longest catch-up, ms"),
    delayMs: z.number().int().nonnegative().default(120_000).describe('Ingestion latency to wait out, ms'),
    chunkMs: positiveInt.default(3_600_000).describe('Span of each query of a range read, ms'),
    serverTimeoutMs: positiveInt
      .max(600_000)
      .optional()
      .describe('Server-side query timeout, ms (max 600000)'),
    output: z.enum(['auto', 'logs', 'series']).default('auto').describe('What tables become'),
    timeColumn: column.optional().describe('Time column'),
    valueColumns: z.array(column).min(1).optional().describe('Numeric columns that become series'),
    labelColumns: z.array(column).optional().describe('Columns that become labels'),
    messageColumn: column.optional().describe('Column holding the log message'),
    severityColumn: column.optional().describe('Column holding the severity'),
    metricPrefix: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a metric name prefix: letters, digits, _')
      .default('azure_logs')
      .describe('Series are named <metricPrefix>_<column>'),
  })
  .superRefine((o, ctx) => {
    if (!o.workspaceId === !o.resourceId) {
      ctx.addIssue({
        code: 'custom',
        path: ['workspaceId'],
        message: 'give exactly one of workspaceId and resourceId',
      });
    }
  });
