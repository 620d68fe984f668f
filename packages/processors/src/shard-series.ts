import {
  defineProcessor,
  type Factory,
  type MetricBatch,
  ownsKey,
  type Processor,
  type Shard,
  type ShardOption,
  shardFromHostname,
  shardOptionSchema,
} from '@argus/core';
import { z } from 'zod';
import { SeriesDecisions } from './internal/decisions.js';
import { nameOption } from './internal/options.js';

/** Options of {@link shardSeries}. */
export interface ShardSeriesOptions {
  /** This replica's share: `index` in `[0, total)`; `index` defaults to the StatefulSet ordinal of HOSTNAME. */
  shard: ShardOption;
  /** Plugin name, unique within a pipeline. @default 'shard-series' */
  name?: string;
}

interface Parsed {
  shard: { index?: number | undefined; total: number };
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, ShardSeriesOptions> = z.strictObject({
  shard: shardOptionSchema.describe('This replica: { index, total }; index defaults to the HOSTNAME ordinal'),
  name: nameOption,
});

/**
 * Keeps only the series this replica owns: series `s` belongs to replica `jumpHash(fnv1a64(fingerprint(s)), total)`,
 * the hash the scrape source shards targets with, so going from N to N+1 replicas moves about 1/(N+1) of the
 * series, all to the new replica. For what is not sharded at its source: series pushed to a remote-write or OTLP
 * receiver (every replica behind one load balancer gets a mix) or read from a store. Decided once per series and
 * cached by series id (1 byte each). Self-metrics: `shard_index`, `shard_total`, `shard_series_owned`,
 * `shard_series_seen` (distinct series so far; the owned counts of all replicas add up to the series seen).
 * @example shardSeries({ shard: { total: 3 } }) // in a StatefulSet pod argus-1: keeps replica 1's share
 */
export const shardSeries: Factory<z.ZodType<Parsed, ShardSeriesOptions>, Processor> = defineProcessor({
  name: 'shard-series',
  options: schema,
  create(opts) {
    const { index, total } = opts.shard;
    const shard: Shard =
      index === undefined
        ? shardFromHostname(process.env['HOSTNAME'], total, opts.name ?? 'shard-series')
        : { index, total };
    let owned = 0;
    let seen = 0;
    const decisions = new SeriesDecisions(
      (id, series) => {
        seen++;
        const mine = ownsKey(shard, series.fingerprint(id));
        if (mine) owned++;
        return mine;
      },
      () => {
        owned = seen = 0;
      },
    );
    return {
      ...(opts.name ? { name: opts.name } : {}),
      process(batch, ctx): MetricBatch {
        const out = decisions.select(batch, ctx.series);
        ctx.metrics.gauge('shard_index', shard.index);
        ctx.metrics.gauge('shard_total', shard.total);
        ctx.metrics.gauge('shard_series_owned', owned);
        ctx.metrics.gauge('shard_series_seen', seen);
        return out;
      },
    };
  },
});
