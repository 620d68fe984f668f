import { type ShardOption, shardOptionSchema } from '@argus/core';
import { z } from 'zod';
import type { TargetInput } from './targets.js';

/** Limits of one scrape; 0 means none, as in Prometheus. */
export interface ScrapeLimits {
  /** Most samples on one page; more fails the scrape (`up` 0). @default 0 */
  sampleLimit?: number;
  /** Most labels in one series' label block. @default 0 */
  labelLimit?: number;
  /** Longest label name. @default 0 */
  labelNameLengthLimit?: number;
  /** Longest label value. @default 0 */
  labelValueLengthLimit?: number;
  /** Most bytes of body (after decompression). @default 10485760 */
  bodySizeLimitBytes?: number;
}

/** Options of `scrapeSource`. */
export interface ScrapeSourceOptions {
  /** URLs to scrape (`http://host:9100/metrics`), each optionally with extra labels. */
  targets?: readonly TargetInput[];
  /** Paths of Prometheus file_sd JSON files, re-read when they change. */
  fileSd?: readonly string[];
  /** The `job` label. @default 'scrape' */
  job?: string;
  /** Time between scrapes. @default 15000 */
  intervalMs?: number;
  /** Per-target deadline; at most `intervalMs`. @default 10000 */
  timeoutMs?: number;
  /** On a label clash keep the page's label instead of renaming it `exported_<name>`. @default false */
  honorLabels?: boolean;
  /** Extra request headers (e.g. `authorization`); never logged. */
  headers?: Readonly<Record<string, string>>;
  limits?: ScrapeLimits;
  /**
   * Scrape only this replica's share of the targets (jump consistent hash of the target URL). Without `index`,
   * it is the StatefulSet ordinal at the end of `HOSTNAME` (`argus-2` → 2).
   */
  shard?: ShardOption;
  /** Plugin name, unique within a pipeline. @default 'scrape' */
  name?: string;
}

/** Options after parsing, defaults applied. */
export interface ParsedScrapeOptions {
  targets: TargetInput[];
  fileSd?: string[] | undefined;
  job: string;
  intervalMs: number;
  timeoutMs: number;
  honorLabels: boolean;
  headers: Record<string, string>;
  limits: Required<ScrapeLimits>;
  shard?: { index?: number | undefined; total: number } | undefined;
  name?: string | undefined;
}

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .describe('An http(s) URL, e.g. http://127.0.0.1:9100/metrics');
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name: [a-zA-Z_][a-zA-Z0-9_]*');
const limit = (what: string) => z.number().int().nonnegative().default(0).describe(`${what}; 0 = no limit`);

const limitsSchema = z
  .strictObject({
    sampleLimit: limit('Most samples on one page (more fails the scrape)'),
    labelLimit: limit('Most labels in one label block'),
    labelNameLengthLimit: limit('Longest label name'),
    labelValueLengthLimit: limit('Longest label value'),
    bodySizeLimitBytes: z
      .number()
      .int()
      .nonnegative()
      .default(10 * 1024 * 1024)
      .describe('Most bytes of body after decompression; 0 = no limit'),
  })
  .prefault({});

/** The zod schema of `scrapeSource` options. */
export const scrapeSourceSchema: z.ZodType<ParsedScrapeOptions, ScrapeSourceOptions> = z
  .strictObject({
    targets: z
      .array(
        z.union([
          httpUrl,
          z.strictObject({ url: httpUrl, labels: z.record(labelName, z.string()).optional() }),
        ]),
      )
      .default([])
      .describe('URLs to scrape, each a string or { url, labels }'),
    fileSd: z.array(z.string().min(1)).min(1).optional().describe('Paths of Prometheus file_sd JSON files'),
    job: z.string().min(1).default('scrape').describe('The job label of every target'),
    intervalMs: z.number().int().positive().default(15_000).describe('Time between scrapes, in ms'),
    timeoutMs: z.number().int().positive().default(10_000).describe('Per-target scrape deadline, in ms'),
    honorLabels: z.boolean().default(false).describe('Keep page labels that clash with target labels'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra request headers, e.g. authorization'),
    limits: limitsSchema.describe('Scrape limits (Prometheus sample_limit, label_limit, …)'),
    shard: shardOptionSchema.optional().describe('Scrape only this replica’s share of the targets'),
    name: z.string().min(1).optional().describe('Plugin name, unique within a pipeline'),
  })
  .refine((o) => o.targets.length > 0 || o.fileSd !== undefined, {
    message: 'give at least one target, or fileSd',
    path: ['targets'],
  })
  .refine((o) => o.timeoutMs <= o.intervalMs, {
    message: 'timeoutMs must be at most intervalMs',
    path: ['timeoutMs'],
  });
