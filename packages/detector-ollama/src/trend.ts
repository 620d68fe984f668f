// Trend reports (batch, over a stored range): Argus computes every number; the model only classifies each
// series' trend, flags seasonality changes and capacity risks, and writes a summary. Without the model the
// report still carries the numbers, and says why the assessment is missing.
import type { Labels } from '@argus/core';
import { z } from 'zod';
import { type CallContext, checkWith, guardedAsk, type JudgeState, type UnjudgedReason } from './ask.js';
import { formatOf } from './format.js';
import { type ChatMessage, redactLabels, systemMessage } from './prompt.js';
import { type TrendStats, trendStats } from './trend-stats.js';
import { trendStatsOut, trendValuesNote } from './trend-values.js';

/** One series of a group, as stored: parallel arrays of timestamps (ms) and values. */
export interface TrendSeries {
  readonly labels: Labels;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/** A group of series to report on, e.g. the disks of one cluster. */
export interface TrendGroup {
  readonly name: string;
  readonly series: readonly TrendSeries[];
  /** A capacity limit in the series' unit (e.g. 1 for a used ratio): `hoursToLimit` is computed against it. */
  readonly limit?: number;
}

/** The model's assessment of one series. */
export interface TrendAssessment {
  readonly trend: 'rising' | 'falling' | 'flat' | 'volatile';
  readonly seasonalityChange: boolean;
  readonly capacityRisk: 'none' | 'low' | 'medium' | 'high';
  readonly note: string;
}

/** One series in a report: the numbers (always), and the model's assessment when it gave one. */
export interface TrendReportSeries {
  readonly labels: Labels;
  /** Undefined when the series has fewer than two finite points. */
  readonly stats: TrendStats | undefined;
  readonly assessment?: TrendAssessment;
}

/** A trend report of one group. */
export interface TrendReport {
  readonly group: string;
  readonly series: readonly TrendReportSeries[];
  /** The model's summary; absent when `unjudged` says why. */
  readonly summary?: string;
  readonly model?: string;
  readonly unjudged?: UnjudgedReason;
}

/** The default system prompt of trend reports; replace it with the analyst's `trendPrompt` option. */
export const DEFAULT_TREND_PROMPT: string = [
  'You review the trends of a group of monitored time series over a stored range.',
  'Every number was computed for you; do not compute new ones. For each series, by its index, classify the',
  'trend, say whether its seasonality appears to have changed, rate the capacity risk (hours_to_limit is the time',
  'until the fitted line reaches the capacity limit), and write a short note citing the numbers it rests on.',
  'Then summarise the group in a few sentences.',
].join(' ');

const MAX_SERIES = 50;

/** The answer's schema for a group of `count` series (a grammar keeps the item count, zod the rest). */
function answerSchema(count: number) {
  return z.object({
    summary: z.string().min(1).max(2_000),
    series: z
      .array(
        z.object({
          index: z
            .number()
            .int()
            .min(0)
            .max(count - 1),
          trend: z.enum(['rising', 'falling', 'flat', 'volatile']),
          seasonality_change: z.boolean(),
          capacity_risk: z.enum(['none', 'low', 'medium', 'high']),
          note: z.string().min(1).max(500),
        }),
      )
      .min(1)
      .max(count),
  });
}
type Answer = z.infer<ReturnType<typeof answerSchema>>;

/** The answer's schema, each index once (which neither a grammar nor the schema's bounds can say). */
function answerFor(count: number): z.ZodType<Answer> {
  return answerSchema(count).superRefine((a, ctx) => {
    const seen = new Set<number>();
    for (const [i, s] of a.series.entries()) {
      if (seen.has(s.index))
        ctx.addIssue({ code: 'custom', path: ['series', i, 'index'], message: 'names a series twice' });
      seen.add(s.index);
    }
  });
}

function messages(s: JudgeState, g: TrendGroup, stats: readonly (TrendStats | undefined)[]): ChatMessage[] {
  const anonymize = new Set(s.opts.anonymizeLabels);
  const drop = new Set(s.opts.dropLabels);
  const mode = s.opts.values;
  const note = trendValuesNote(mode);
  const doc = {
    group: g.name,
    // in relative mode each series carries the limit scaled by its own level; in omit mode only whether one is set
    ...(mode === 'raw' ? { capacity_limit: g.limit ?? null } : { has_capacity_limit: g.limit !== undefined }),
    ...(note ? { values: note } : {}),
    series: g.series.map((x, index) => {
      const st = stats[index];
      return {
        index,
        labels: redactLabels(x.labels, anonymize, drop),
        stats: st && trendStatsOut(mode, st, g.limit),
      };
    }),
  };
  return [
    systemMessage(s.opts.trendPrompt ?? DEFAULT_TREND_PROMPT),
    { role: 'user', content: JSON.stringify(doc) },
  ];
}

/**
 * A trend report of one group (at most 50 series): the numbers Argus computed, and the model's assessment
 * when it answered validly within the budgets. Never throws.
 */
export async function trendReport(s: JudgeState, g: TrendGroup, ctx: CallContext): Promise<TrendReport> {
  const series = g.series.slice(0, MAX_SERIES);
  if (series.length === 0) return { group: g.name, series: [] };
  const stats = series.map((x) => trendStats(x.timestamps, x.values, g.limit));
  const bare = series.map((x, i) => ({ labels: x.labels, stats: stats[i] }));
  const schema = answerFor(series.length);
  const r = await guardedAsk(
    s,
    () => messages(s, { ...g, series }, stats),
    { format: formatOf(answerSchema(series.length)), check: (text) => checkWith(schema, text) },
    ctx,
  );
  if (typeof r === 'string') {
    ctx.metrics.count('trendReports.unjudged');
    return { group: g.name, series: bare, unjudged: r };
  }
  ctx.metrics.count('trendReports');
  const byIndex = new Map(r.value.series.map((a) => [a.index, a] as const));
  return {
    group: g.name,
    model: s.opts.model,
    summary: r.value.summary,
    series: bare.map((b, i) => {
      const a = byIndex.get(i);
      if (!a) return b;
      const assessment: TrendAssessment = {
        trend: a.trend,
        seasonalityChange: a.seasonality_change,
        capacityRisk: a.capacity_risk,
        note: a.note,
      };
      return { ...b, assessment };
    }),
  };
}
