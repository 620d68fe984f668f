import {
  defineProcessor,
  type Factory,
  type LabelMatcher,
  type MetricBatch,
  matchesLabels,
  type Processor,
} from '@argus/core';
import { z } from 'zod';
import { SeriesDecisions } from './internal/decisions.js';
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
    const decisions = new SeriesDecisions((id, series) => {
      const labels = series.labels(id);
      return opts.match.some((ms) => matchesLabels(ms, labels)) !== opts.invert;
    });
    return {
      ...(opts.name ? { name: opts.name } : {}),
      process: (batch, ctx): MetricBatch => decisions.select(batch, ctx.series),
    };
  },
});
