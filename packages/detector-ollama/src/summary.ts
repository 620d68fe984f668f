// The judgement summary: what the model is shown about a finding besides the finding itself — the recent
// window downsampled, the same window a day or a week earlier, and related series — fitted into a token budget.
// Pure functions over data already read (history.ts reads it), so the budget and the downsampling are testable
// without a store.
import type { Labels } from '@argus/core';

/** A window as min/max per bucket: downsampling that keeps every extreme of the raw points. */
export interface Buckets {
  /** Start of the first bucket, ms since epoch. */
  readonly from: number;
  readonly stepMs: number;
  /** Per bucket; NaN where the bucket had no data. */
  readonly min: readonly number[];
  readonly max: readonly number[];
}

/** Everything read about a finding's context; absent parts are simply not there (no store, no history yet). */
export interface SummaryData {
  readonly recent?: Buckets;
  /** The same window `offsetMs` earlier, for each offset the history covers. */
  readonly seasonal: readonly { readonly offsetMs: number; readonly window: Buckets }[];
  /** Series sharing the finding's identifying labels, at most the configured number, most relevant first. */
  readonly related: readonly { readonly labels: Labels; readonly window: Buckets }[];
}

/** Empty context: no history reader, or nothing stored. */
export const NO_SUMMARY: SummaryData = { seasonal: [], related: [] };

/**
 * Halves the bucket count: each pair of buckets becomes one with the smaller min and the larger max, so the
 * window's lowest and highest values survive any number of halvings.
 */
export function halve(b: Buckets): Buckets {
  const min: number[] = [];
  const max: number[] = [];
  for (let i = 0; i < b.min.length; i += 2) {
    min.push(pick(Math.min, b.min[i]!, b.min[i + 1]));
    max.push(pick(Math.max, b.max[i]!, b.max[i + 1]));
  }
  return { from: b.from, stepMs: b.stepMs * 2, min, max };
}

// NaN marks an empty bucket: it must not swallow the other bucket's value
function pick(f: (a: number, b: number) => number, a: number, b: number | undefined): number {
  if (b === undefined || Number.isNaN(b)) return a;
  if (Number.isNaN(a)) return b;
  return f(a, b);
}

/** Whether a window holds at least one value. */
export function hasData(b: Buckets): boolean {
  return b.min.some((v) => !Number.isNaN(v));
}

/** Turns one summary into the JSON sections of the prompt; `render` writes each window. */
export type SummaryRenderer = (data: SummaryData) => Record<string, unknown>;

/** About four characters per token for JSON. */
export function tokensOf(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

/** Halves every window of the summary (recent and seasonal; related windows are already short). */
function halveAll(d: SummaryData): SummaryData {
  return {
    ...d,
    ...(d.recent ? { recent: halve(d.recent) } : {}),
    seasonal: d.seasonal.map((s) => ({ offsetMs: s.offsetMs, window: halve(s.window) })),
  };
}

/**
 * The largest summary whose rendering fits `maxTokens`: related series are dropped from the least relevant,
 * then the windows are halved (extremes kept) down to 8 buckets, then the seasonal windows are dropped from
 * the oldest, then the recent window is halved down to 2 buckets, then dropped. Returns the data that fits
 * (possibly {@link NO_SUMMARY}).
 */
export function fitSummary(data: SummaryData, render: SummaryRenderer, maxTokens: number): SummaryData {
  let d = data;
  const fits = (x: SummaryData): boolean => tokensOf(render(x)) <= maxTokens;
  while (!fits(d)) {
    const recent = d.recent?.min.length ?? 0;
    if (d.related.length > 0) d = { ...d, related: d.related.slice(0, -1) };
    else if (Math.max(recent, ...d.seasonal.map((s) => s.window.min.length)) > 8) d = halveAll(d);
    else if (d.seasonal.length > 0) d = { ...d, seasonal: d.seasonal.slice(0, -1) };
    else if (d.recent && recent > 2) d = { ...d, recent: halve(d.recent) };
    else return NO_SUMMARY;
  }
  return d;
}
