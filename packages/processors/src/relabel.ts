import {
  defineProcessor,
  EMPTY_METRICS,
  type Factory,
  type MetricBatch,
  type Processor,
  SERIES_REJECTED,
  type StageContext,
} from '@argus/core';
import { z } from 'zod';
import { compactRows, growI32, RegistryGuard } from './internal/arrays.js';
import { nameOption } from './internal/options.js';
import { type CompiledRule, type RelabelRule, ruleSchema } from './relabel/config.js';
import { applyRules } from './relabel/engine.js';

/** Options of {@link relabel}. */
export interface RelabelOptions {
  /** Rules applied in order, like Prometheus `metric_relabel_configs`. */
  rules: readonly RelabelRule[];
  /** Plugin name, unique within a pipeline. @default 'relabel' */
  name?: string;
}

interface Parsed {
  rules: CompiledRule[];
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, RelabelOptions> = z.strictObject({
  rules: z
    .array(ruleSchema)
    .min(1)
    .describe('Prometheus relabel_configs rules, applied in order; snake_case keys are accepted'),
  name: nameOption,
});

// cache cells: 0 = not seen yet, DROPPED = dropped, otherwise output id + 1
const DROPPED = -1;

/** The cache cell for a series seen for the first time: DROPPED, output id + 1, or 0 when the cap refused it. */
function relabelSeries(rules: readonly CompiledRule[], id: number, ctx: StageContext): number {
  const labels = applyRules(rules, ctx.series.labels(id));
  if (!labels) return DROPPED;
  const out = ctx.series.intern(labels);
  if (out === SERIES_REJECTED) {
    ctx.metrics.count('seriesRejected');
    return 0;
  }
  return out + 1;
}

/**
 * Rewrites series labels with Prometheus `relabel_configs` semantics (replace, keep, drop, labelmap, labeldrop,
 * labelkeep, hashmod, lowercase, uppercase, keepequal, dropequal). Each series is relabelled once, when first
 * seen; the input id → output id (or "dropped") map is cached in an Int32Array, so later samples cost one
 * array read. Memory: 4 bytes per series id plus the output series interned in the registry.
 * Series left with no labels are dropped, as in Prometheus.
 * @example relabel({ rules: [{ action: 'labelmap', regex: '__meta_(.+)' }, { action: 'labeldrop', regex: '__meta_.*' }] })
 */
export const relabel: Factory<z.ZodType<Parsed, RelabelOptions>, Processor> = defineProcessor({
  name: 'relabel',
  options: schema,
  create(opts) {
    let cache = new Int32Array(0);
    const guard = new RegistryGuard();

    return {
      ...(opts.name ? { name: opts.name } : {}),
      process(batch, ctx): MetricBatch {
        if (guard.changed(ctx.series)) cache = new Int32Array(0);
        const n = batch.length;
        if (n === 0) return batch;
        const out = new Int32Array(n);
        let kept = 0;
        let same = true;
        for (let i = 0; i < n; i++) {
          const id = batch.series[i]!;
          if (id < 0) {
            out[i] = -1;
            continue;
          }
          if (id >= cache.length) cache = growI32(cache, id + 1);
          let c = cache[id]!;
          if (c === 0) {
            c = relabelSeries(opts.rules, id, ctx);
            // a refusal by the series cap is not cached: the series may be accepted later
            if (c === 0) c = DROPPED;
            else cache[id] = c;
          }
          out[i] = c === DROPPED ? -1 : c - 1;
          if (c !== DROPPED) kept++;
          if (out[i] !== id) same = false;
        }
        if (same && kept === n) return batch;
        if (kept === 0) return EMPTY_METRICS;
        return compactRows(batch, out, kept);
      },
    };
  },
});
