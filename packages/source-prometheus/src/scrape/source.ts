import {
  defineSource,
  type Factory,
  type MetricBatch,
  metricBatch,
  ownsKey,
  type PluginContext,
  type Shard,
  type Source,
  shardFromHostname,
} from '@argus/core';
import type { z } from 'zod';
import { type ParsedScrapeOptions, type ScrapeSourceOptions, scrapeSourceSchema } from './options.js';
import { TargetState } from './target-state.js';
import { fileSdWatcher, type ScrapeTarget, staticTargets } from './targets.js';

/**
 * Scrapes Prometheus `/metrics` endpoints (static targets and/or file_sd files) like Prometheus does:
 * OpenMetrics negotiated with text 0.0.4 as fallback, `up`, `scrape_duration_seconds`,
 * `scrape_samples_scraped` and `scrape_series_added` per target, `job`/`instance` labels, stale markers when a
 * series or a target disappears, limits. A failed target gives `up` 0 and one warning per distinct error.
 * @example
 * scrapeSource({ targets: ['http://127.0.0.1:9100/metrics'], job: 'node', intervalMs: 15_000 })
 */
export const scrapeSource: Factory<
  z.ZodType<ParsedScrapeOptions, ScrapeSourceOptions>,
  Source
> = defineSource({
  name: 'scrape',
  options: scrapeSourceSchema,
  create(o) {
    const fixed = staticTargets(o.targets, o.job);
    const discover = o.fileSd ? fileSdWatcher(o.fileSd, o.job) : undefined;
    const states = new Map<string, TargetState>();
    let sdError: string | undefined;
    const shard = resolveShard(o);

    const discovered = async (ctx: PluginContext): Promise<ScrapeTarget[]> => {
      if (!discover) return fixed;
      const found = await discover((err) => {
        if (err.message !== sdError) ctx.log.warn(err.message);
        sdError = err.message;
      });
      return [...fixed, ...found];
    };
    // a target leaving this shard is retired like a removed one (stale markers); its new owner starts it
    const current = async (ctx: PluginContext): Promise<ScrapeTarget[]> => {
      const all = await discovered(ctx);
      if (!shard) return all;
      const mine = all.filter((t) => ownsKey(shard, t.url));
      ctx.metrics.gauge('shard_index', shard.index);
      ctx.metrics.gauge('shard_total', shard.total);
      ctx.metrics.gauge('shard_targets_owned', mine.length);
      ctx.metrics.gauge('shard_targets_seen', all.length);
      return mine;
    };

    return {
      ...(o.name ? { name: o.name } : {}),
      defaultIntervalMs: o.intervalMs,
      async poll(ctx) {
        const targets = new Map((await current(ctx)).map((t) => [t.key, t]));
        const batches: MetricBatch[] = [];
        for (const [key, state] of states) {
          if (targets.has(key)) continue;
          batches.push(state.retire(ctx));
          states.delete(key);
        }
        for (const [key, t] of targets) if (!states.has(key)) states.set(key, new TargetState(t, o));
        batches.push(...(await Promise.all([...states.values()].map((s) => s.scrape(ctx)))));
        return concat(batches);
      },
    };
  },
});

function resolveShard(o: ParsedScrapeOptions): Shard | undefined {
  if (!o.shard) return undefined;
  const { index, total } = o.shard;
  return index === undefined
    ? shardFromHostname(process.env['HOSTNAME'], total, o.name ?? 'scrape')
    : { index, total };
}

function concat(batches: readonly MetricBatch[]): MetricBatch {
  if (batches.length === 1) return batches[0]!;
  const n = batches.reduce((a, b) => a + b.length, 0);
  const series = new Int32Array(n);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const anyStale = batches.some((b) => b.stale);
  const stale = anyStale ? new Uint8Array(n) : undefined;
  let off = 0;
  for (const b of batches) {
    series.set(b.series, off);
    timestamps.set(b.timestamps, off);
    values.set(b.values, off);
    if (stale && b.stale) stale.set(b.stale, off);
    off += b.length;
  }
  return metricBatch(series, timestamps, values, stale);
}
