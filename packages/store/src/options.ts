import { type Clock, parseOptions, systemClock } from '@argus/core';
import { z } from 'zod';

const rollupSchema = z.strictObject({
  stepMs: z.number().int().positive().describe('Width of one rollup bucket in ms, e.g. 300000 (5 m).'),
  retentionMs: z.number().positive().describe('How long buckets of this level are kept, in ms of data time.'),
});

/** A rollup level: buckets of `stepMs` kept for `retentionMs`. */
export interface RollupLevel {
  /** Width of one bucket in ms, e.g. 300000 (5 m). */
  stepMs: number;
  /** How long buckets of this level are kept, in ms of data time. */
  retentionMs: number;
}

/** Options of {@link createStore}; see the README table for defaults. */
export interface StoreOptions {
  /** How long raw samples are kept, in ms before the newest sample. @default 86400000 */
  retentionMs?: number;
  /** Memory budget in bytes. @default 268435456 */
  maxBytes?: number;
  /** Out-of-order acceptance window in ms. @default 60000 */
  outOfOrderWindowMs?: number;
  /** What to do with a different value at a stored timestamp. @default 'reject' */
  onDuplicate?: 'reject' | 'overwrite';
  /** Samples per sealed chunk. @default 120 */
  chunkSamples?: number;
  /** Rollup levels, finest first. @default 5 m for 14 d, 1 h for 90 d */
  rollups?: RollupLevel[];
  /** Data directory; memory only without it. */
  dataDir?: string;
  /** Segment flush period in ms. @default 1000 */
  flushIntervalMs?: number;
  /** Snapshot period in ms. @default 300000 */
  snapshotIntervalMs?: number;
  /** Clock driving the flush and snapshot timers (a fake one in tests). @default systemClock */
  clock?: Clock;
}

/** Options after defaults. */
export type ResolvedStoreOptions = Required<Omit<StoreOptions, 'dataDir'>> & { dataDir?: string | undefined };

/** Options schema of {@link createStore}. */
export const storeOptionsSchema: z.ZodType<ResolvedStoreOptions, StoreOptions> = z
  .strictObject({
    retentionMs: z
      .number()
      .positive()
      .default(86_400_000)
      .describe(
        'How long raw samples are kept, in ms before the newest sample; older chunks are rolled up. @default 1 day',
      ),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(268_435_456)
      .describe(
        'Memory budget in bytes; past it the oldest raw chunks (then rollup buckets) are evicted. @default 256 MiB',
      ),
    outOfOrderWindowMs: z
      .number()
      .min(0)
      .default(60_000)
      .describe(
        "Samples up to this much older than their series' newest are accepted (0 refuses all). @default 60000",
      ),
    onDuplicate: z
      .enum(['reject', 'overwrite'])
      .default('reject')
      .describe(
        'A second, different value at a timestamp already stored: refuse it (counted) or replace. @default reject',
      ),
    chunkSamples: z
      .number()
      .int()
      .min(2)
      .max(65_535)
      .default(120)
      .describe('Samples per sealed chunk, as Prometheus (120). @default 120'),
    rollups: z
      .array(rollupSchema)
      .default([
        { stepMs: 300_000, retentionMs: 14 * 86_400_000 },
        { stepMs: 3_600_000, retentionMs: 90 * 86_400_000 },
      ])
      .describe('Coarser levels that evicted raw data is rolled into (min/max/sum/count/last), finest first.')
      .refine(
        (levels) => levels.every((l, i) => i === 0 || l.stepMs % levels[i - 1]!.stepMs === 0),
        "each rollup stepMs must be a multiple of the previous level's stepMs",
      ),
    dataDir: z
      .string()
      .min(1)
      .optional()
      .describe('Directory for segment files and snapshots; without it the store lives in memory only.'),
    flushIntervalMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe(
        'How often buffered writes go to the segment file: a crash loses at most this much. @default 1000',
      ),
    snapshotIntervalMs: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('How often a snapshot is written and older segments deleted. @default 300000'),
    clock: z
      .custom<Clock>(
        (c) =>
          typeof (c as Clock | null)?.setTimeout === 'function' && typeof (c as Clock).now === 'function',
        'a Clock (now, setTimeout, clearTimeout), e.g. fakeClock() from @argus/testkit',
      )
      .default(() => systemClock)
      .describe('Clock driving the flush and snapshot timers (a fake one in tests). @default systemClock'),
  })
  .strict();

/** Validates store options; bad ones throw `ERR_PLUGIN_OPTIONS` naming the field. */
export function resolveStoreOptions(options: StoreOptions | undefined): ResolvedStoreOptions {
  return parseOptions(storeOptionsSchema, options ?? {}, 'store');
}
