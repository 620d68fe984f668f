import {
  defineSource,
  type LogRecord,
  MetricBatchBuilder,
  type PluginContext,
  type Source,
  type SourceBatch,
  type TimeRange,
} from '@argus/core';
import type { TokenCredential } from '@azure/core-auth';
import { LogsQueryClient, type LogsQueryResult } from '@azure/monitor-query-logs';
import { createAzureCredential } from './auth.js';
import { type AzureDeps, call, clientHolder, failureError, isFailure, sdkOptions } from './internal/azure.js';
import { appendTableSeries, isSeriesTable, type Table, type TableMapping, tableRecords } from './logs-map.js';
import { type AzureLogsSourceOptions, azureLogsOptions, type LogsParsed } from './logs-options.js';

function mapping(o: LogsParsed): TableMapping {
  return {
    output: o.output,
    timeColumn: o.timeColumn,
    valueColumns: o.valueColumns,
    labelColumns: o.labelColumns,
    messageColumn: o.messageColumn,
    severityColumn: o.severityColumn,
    metricPrefix: o.metricPrefix,
    labels: o.workspaceId ? { workspace_id: o.workspaceId } : { resource_id: o.resourceId ?? '' },
  };
}

/** Turns a query result into batches: series tables into one metric batch, the others into one log batch. */
export function resultBatches(
  tables: readonly Table[],
  m: TableMapping,
  ctx: PluginContext,
  at: number,
): SourceBatch[] {
  const builder = new MetricBatchBuilder();
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const t of tables) {
    if (m.output !== 'logs' && isSeriesTable(t, m)) skipped += appendTableSeries(builder, ctx.series, t, m);
    else if (m.output === 'series') {
      throw new Error(
        `table ${t.name} has no time column and numeric columns; set timeColumn/valueColumns or output: 'logs'`,
      );
    } else records.push(...tableRecords(t, m, at));
  }
  if (skipped > 0) ctx.metrics.count('skippedCells', skipped);
  const out: SourceBatch[] = [];
  if (builder.length > 0) out.push(builder.build());
  if (records.length > 0) out.push({ kind: 'logs', records });
  return out;
}

function create(o: LogsParsed, deps: AzureDeps): Omit<Source, 'kind' | 'apiVersion'> {
  let credential: TokenCredential | undefined;
  const cred = (): TokenCredential => (credential ??= deps.credential ?? createAzureCredential(o.auth));
  const holder = clientHolder(
    () =>
      new LogsQueryClient(cred(), {
        ...sdkOptions(o, deps),
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      }),
  );
  const m = mapping(o);
  let since: number | undefined;

  const query = async (
    from: number,
    to: number,
    hook: 'poll' | 'readRange',
    ctx: PluginContext,
  ): Promise<SourceBatch[]> => {
    const timespan = { startTime: new Date(from), endTime: new Date(to) };
    const options = {
      ...(o.serverTimeoutMs ? { serverTimeoutInSeconds: Math.ceil(o.serverTimeoutMs / 1000) } : {}),
      ...(o.additionalWorkspaces ? { additionalWorkspaces: o.additionalWorkspaces } : {}),
    };
    let result: LogsQueryResult;
    try {
      result = await call(holder, ctx.signal, o.requestTimeoutMs, (c, abortSignal) =>
        o.workspaceId
          ? c.queryWorkspace(o.workspaceId, o.query, timespan, { ...options, abortSignal })
          : c.queryResource(o.resourceId!, o.query, timespan, { ...options, abortSignal }),
      );
    } catch (err) {
      throw isFailure(err) ? failureError(o.name, hook, 'query', err) : err;
    }
    if (result.status === 'Success') return resultBatches(result.tables, m, ctx, to);
    const e = result.partialError;
    const details = (e.details ?? []).map((d) => `${d.code}: ${d.message}`);
    if (o.partialErrors === 'fail') {
      throw failureError(o.name, hook, 'query', {
        status: 200,
        code: e.code,
        message: [e.message, ...details].join('; '),
        timedOut: false,
        retryable: false,
      });
    }
    ctx.metrics.count('partialErrors');
    ctx.log.warn(`${o.name}: partial result (${e.code}): ${e.message}; the rows returned were kept`, {
      code: e.code,
      details,
    });
    return resultBatches(result.partialTables, m, ctx, to);
  };

  return {
    name: o.name,
    defaultIntervalMs: 60_000,
    async poll(ctx): Promise<SourceBatch[]> {
      const to = ctx.clock.now() - o.delayMs;
      const from = Math.max(since ?? Number.NEGATIVE_INFINITY, to - o.lookbackMs);
      if (from >= to) return [];
      const out = await query(from, to, 'poll', ctx);
      since = to;
      return out;
    },
    async *readRange(range: TimeRange, ctx: PluginContext): AsyncIterable<SourceBatch> {
      for (let from = range.from; from < range.to; from += o.chunkMs) {
        for (const b of await query(from, Math.min(from + o.chunkMs, range.to), 'readRange', ctx)) yield b;
      }
    },
  };
}

/**
 * Runs a KQL query against a Log Analytics workspace (or a resource) on a schedule and for ranges
 * (`@azure/monitor-query-logs`). Tables with a time column and numeric columns become series; others log records.
 * @example
 * azureLogsSource({
 *   workspaceId: '00000000-0000-0000-0000-000000000000',
 *   query: 'AppRequests | summarize failed = countif(Success == false) by bin(TimeGenerated, 1m), AppRoleName',
 * })
 */
export function azureLogsSource(options: AzureLogsSourceOptions, deps: AzureDeps = {}): Source {
  return defineSource({ name: 'azure-logs', options: azureLogsOptions, create: (o) => create(o, deps) })(
    options,
  );
}
