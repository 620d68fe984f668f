import { type ShardOption, shardOptionSchema } from '@argus/core';
import { z } from 'zod';
import { type AzureAuth, azureAuthSchema } from './auth.js';
import { parseResourceId } from './internal/azure.js';
import { requestFields, resourceIdSchema } from './internal/common-options.js';
import type { Aggregation } from './metrics-map.js';

/** Azure Monitor's standard time grains and their length in ms. */
export const TIME_GRAINS: Readonly<Record<TimeGrain, number>> = {
  PT1M: 60_000,
  PT5M: 300_000,
  PT15M: 900_000,
  PT30M: 1_800_000,
  PT1H: 3_600_000,
  PT6H: 21_600_000,
  PT12H: 43_200_000,
  P1D: 86_400_000,
};

/** A time grain (ISO 8601 duration) Azure Monitor aggregates metrics by. */
export type TimeGrain = 'PT1M' | 'PT5M' | 'PT15M' | 'PT30M' | 'PT1H' | 'PT6H' | 'PT12H' | 'P1D';

/** Options of {@link azureMetricsSource}. */
export interface AzureMetricsSourceOptions {
  /** Plugin name, unique in the pipeline. @default 'azure-metrics' */
  name?: string;
  /** Credential; DefaultAzureCredential when absent. @default { type: 'default' } */
  auth?: AzureAuth;
  /** `arm`: one ARM call per resource (any region). `batch`: up to 50 resources per call on the regional endpoint. @default 'arm' */
  api?: 'arm' | 'batch';
  /** Region of the resources, e.g. `eastus`; required for `api: 'batch'` unless `endpoint` is set. */
  region?: string;
  /** ARM endpoint, or the regional metrics endpoint for `batch`. @default https://management.azure.com */
  endpoint?: string;
  /** ARM ids of the resources; all of the same type (`namespace`). */
  resources: string[];
  /** Metric namespace, e.g. `Microsoft.Compute/virtualMachines`. */
  namespace: string;
  /** Metric names, e.g. `Percentage CPU` (at most 20). */
  metrics: string[];
  /** @default ['average'] */
  aggregations?: Aggregation[];
  /** @default 'PT1M' */
  timeGrain?: TimeGrain;
  /** Dimension filter, e.g. `LUN eq '*'` to split by LUN. */
  filter?: string;
  /** Most time series per metric per resource when `filter` splits by dimension. */
  top?: number;
  /** Window each poll asks for, ms; overlapping samples are not repeated. @default 600000 */
  lookbackMs?: number;
  /** Most buckets one request may span; range reads are split to stay under it. @default 1440 */
  maxPointsPerRequest?: number;
  /** Resources per batch call (the API takes at most 50). @default 50 */
  resourcesPerRequest?: number;
  /** ARM calls in flight at once. @default 4 */
  concurrency?: number;
  /** How long a resource that answered 404 is skipped before it is asked again, ms. @default 600000 */
  missingResourceRetryMs?: number;
  /** @default 30000 */
  requestTimeoutMs?: number;
  /** @default 3 */
  maxRetries?: number;
  /** @default 1000 */
  retryDelayMs?: number;
  /** @default 'warn' */
  partialErrors?: 'warn' | 'fail';
  /**
   * Poll only this replica's share of `resources` (jump hash of the resource id: going from N to N+1 replicas
   * moves about 1/(N+1) of them). `index` defaults to the StatefulSet ordinal in HOSTNAME.
   */
  shard?: ShardOption;
}

const GRAINS = Object.keys(TIME_GRAINS) as [TimeGrain, ...TimeGrain[]];
const positiveInt = z.number().int().positive();

/** Schema of {@link AzureMetricsSourceOptions}. */
export const azureMetricsOptions: z.ZodType<MetricsParsed, AzureMetricsSourceOptions> = z
  .strictObject({
    name: z.string().default('azure-metrics').describe('Plugin name, unique in the pipeline'),
    auth: azureAuthSchema,
    api: z
      .enum(['arm', 'batch'])
      .default('arm')
      .describe('arm: a call per resource; batch: 50 resources per call, one region'),
    region: z
      .string()
      .regex(/^[a-z0-9]+$/, 'a region name such as eastus')
      .optional()
      .describe('Region of the resources (batch)'),
    ...requestFields,
    resources: z.array(resourceIdSchema).min(1).describe('ARM ids of the resources, all of type `namespace`'),
    namespace: z.string().min(1).describe('Metric namespace, e.g. Microsoft.Compute/virtualMachines'),
    metrics: z
      .array(z.string().min(1))
      .min(1)
      .max(20)
      .describe('Metric names, e.g. "Percentage CPU" (at most 20)'),
    aggregations: z
      .array(z.enum(['average', 'minimum', 'maximum', 'total', 'count']))
      .min(1)
      .default(['average'])
      .describe('Aggregations to fetch; each becomes its own series'),
    timeGrain: z.enum(GRAINS).default('PT1M').describe('Time grain of the buckets'),
    filter: z.string().min(1).optional().describe("Dimension filter, e.g. LUN eq '*'"),
    top: positiveInt.optional().describe('Most series per metric per resource when filtering by dimension'),
    lookbackMs: positiveInt
      .default(600_000)
      .describe('Window each poll asks for, ms (metrics arrive minutes late)'),
    maxPointsPerRequest: positiveInt
      .default(1440)
      .describe('Most buckets one request spans; range reads are split'),
    resourcesPerRequest: positiveInt.max(50).default(50).describe('Resources per batch call (API limit 50)'),
    concurrency: positiveInt.max(32).default(4).describe('ARM calls in flight at once'),
    missingResourceRetryMs: positiveInt
      .default(600_000)
      .describe('Skip a resource that answered 404 this long, ms'),
    shard: shardOptionSchema.optional().describe('Poll only this replica’s share of the resources'),
  })
  .superRefine((o, ctx) => {
    if (o.api !== 'batch') return;
    if (!o.region && !o.endpoint) {
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: "api 'batch' needs `region` (e.g. eastus) or `endpoint`",
      });
    }
    for (const [i, id] of o.resources.entries()) {
      const type = parseResourceId(id)?.resourceType;
      if (type && type.toLowerCase() !== o.namespace.toLowerCase()) {
        ctx.addIssue({
          code: 'custom',
          path: ['resources', i],
          message: `resource type ${type} differs from namespace ${o.namespace}; the batch API takes one resource type per call: use one source per type`,
        });
      }
    }
  });

type Optional = 'region' | 'endpoint' | 'filter' | 'top' | 'shard';
/** Parsed options: defaults applied. */
export type MetricsParsed = Required<Omit<AzureMetricsSourceOptions, Optional>> &
  Pick<AzureMetricsSourceOptions, Optional>;
