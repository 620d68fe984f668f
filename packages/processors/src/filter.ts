import {
  defineProcessor,
  EMPTY_METRICS,
  type Factory,
  type LabelMatcher,
  type MetricBatch,
  matchesLabels,
  type Processor,
} from '@argus/core';
import { z } from 'zod';
import { compactRows, growU8, RegistryGuard } from './internal/arrays.js';
import { nameOption, parseSelectors } from './internal/options.js';

/** Options of {@link filter}. */
export interface FilterOptions {
  /** A PromQL selector, or several (a series is kept when any of them matches, like Prometheus `match[]`). */
  match: string | readonly string[];
  /** Keep the series that do NOT match instead. @default false */
  invert?: boolean;
  /** Plugin name, unique within a pipeline. @default 'filter' */
  name?: string;
}

interface Parsed {
  match: LabelMatcher[][];
  invert: boolean;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, FilterOptions> = z.strictObject({
  match: z
    .union([z.string(), z.array(z.string()).min(1)])
    .transform(parseSelectors)
    .describe('PromQL selector(s), e.g. `{job="api", code=~"5.."}`; several selectors are OR-ed'),
  invert: z.boolean().default(false).describe('Keep the series that do not match instead'),
  name: nameOption,
});

const UNKNOWN = 0;
const KEEP = 1;
const DROP = 2;

/**
 * Keeps the samples whose series match a PromQL selector (or drops them, with `invert`). The decision is made
 * once per series, when it is first seen, and cached in a typed array indexed by series id, so the hot path
 * does no string work. Memory: 1 byte per series id. Stale markers are filtered like any sample.
 * @example filter({ match: '{job="api", instance=~"web-.*"}' })
 */
export const filter: Factory<z.ZodType<Parsed, FilterOptions>, Processor> = defineProcessor({
  name: 'filter',
  options: schema,
  create(opts) {
    let decisions = new Uint8Array(0);
    const guard = new RegistryGuard();
    const decide = (labels: Parameters<typeof matchesLabels>[1]): number => {
      const hit = opts.match.some((ms) => matchesLabels(ms, labels));
      return hit !== opts.invert ? KEEP : DROP;
    };
    return {
      ...(opts.name ? { name: opts.name } : {}),
      process(batch, ctx): MetricBatch {
        if (guard.changed(ctx.series)) decisions = new Uint8Array(0);
        const n = batch.length;
        if (n === 0) return batch;
        const out = new Int32Array(n);
        let kept = 0;
        for (let i = 0; i < n; i++) {
          const id = batch.series[i]!;
          if (id < 0) {
            out[i] = -1;
            continue;
          }
          if (id >= decisions.length) decisions = growU8(decisions, id + 1);
          let d = decisions[id]!;
          if (d === UNKNOWN) d = decisions[id] = decide(ctx.series.labels(id));
          out[i] = d === KEEP ? id : -1;
          if (d === KEEP) kept++;
        }
        if (kept === n) return batch;
        if (kept === 0) return EMPTY_METRICS;
        return compactRows(batch, out, kept);
      },
    };
  },
});
