// Reads a finding's context from a history reader (an @argus/store `Store` fits as it is): the recent window as
// min/max per bucket, the same window a day or a week earlier, and series sharing its identifying labels.
// A read that fails or finds nothing leaves that part out; the judgement goes on with what there is.
import { type LabelMatcher, type Labels, type Logger, labelMatcher, labelsKey } from '@argus/core';
import { type Buckets, hasData, NO_SUMMARY, type SummaryData } from './summary.js';

/** A range read: one value per step in `[from, to)`, aggregated by `agg`. */
export interface HistoryRange {
  readonly matchers: readonly LabelMatcher[];
  readonly from: number;
  readonly to: number;
  readonly stepMs: number;
  readonly agg: 'min' | 'max' | 'last';
}

/** One series of a range read: step start times and values; steps without data left out. */
export interface HistorySeries {
  readonly labels: Labels;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** Where the summary's history comes from; an `@argus/store` Store is one. */
export interface OllamaHistory {
  range(query: HistoryRange): Promise<readonly HistorySeries[]>;
}

/** What to read around a finding. */
export interface SummaryShape {
  readonly windowMs: number;
  readonly points: number;
  readonly seasonalOffsetsMs: readonly number[];
  readonly relatedBy: readonly string[];
  readonly relatedMax: number;
}

const RELATED_POINTS = 4;

function toBuckets(
  from: number,
  stepMs: number,
  n: number,
  mins?: HistorySeries,
  maxs?: HistorySeries,
): Buckets {
  const fill = (s: HistorySeries | undefined): number[] => {
    const out = new Array<number>(n).fill(Number.NaN);
    for (let i = 0; s && i < s.timestamps.length; i++) {
      const k = Math.round((s.timestamps[i]! - from) / stepMs);
      if (k >= 0 && k < n) out[k] = s.values[i]!;
    }
    return out;
  };
  return { from, stepMs, min: fill(mins), max: fill(maxs) };
}

/** Min and max per bucket of every series `matchers` select over `[to - n·step, to)`, keyed by labels. */
async function readWindows(
  h: OllamaHistory,
  matchers: readonly LabelMatcher[],
  to: number,
  windowMs: number,
  n: number,
): Promise<Map<string, { labels: Labels; window: Buckets }>> {
  const stepMs = Math.max(1, Math.ceil(windowMs / n));
  const from = to - stepMs * n;
  const q = { matchers, from, to, stepMs };
  const [mins, maxs] = await Promise.all([h.range({ ...q, agg: 'min' }), h.range({ ...q, agg: 'max' })]);
  const byKey = new Map(maxs.map((s) => [labelsKey(s.labels), s]));
  const out = new Map<string, { labels: Labels; window: Buckets }>();
  for (const s of mins) {
    const key = labelsKey(s.labels);
    const window = toBuckets(from, stepMs, n, s, byKey.get(key));
    if (hasData(window)) out.set(key, { labels: s.labels, window });
  }
  return out;
}

const exactly = (labels: Labels): LabelMatcher[] =>
  Object.entries(labels).map(([k, v]) => labelMatcher(k, '=', v));

/** The window ending just after `at` of the series with exactly `labels`, `offsetMs` earlier; undefined when empty. */
async function ownWindow(
  h: OllamaHistory,
  labels: Labels,
  at: number,
  offsetMs: number,
  shape: SummaryShape,
) {
  const w = await readWindows(h, exactly(labels), at + 1 - offsetMs, shape.windowMs, shape.points);
  return w.get(labelsKey(labels))?.window;
}

async function related(h: OllamaHistory, labels: Labels, at: number, shape: SummaryShape) {
  const shared = shape.relatedBy.filter((k) => labels[k] !== undefined && labels[k] !== '');
  if (shared.length === 0 || shape.relatedMax === 0) return [];
  const m = shared.map((k) => labelMatcher(k, '=', labels[k]!));
  const all = await readWindows(h, m, at + 1, shape.windowMs, RELATED_POINTS);
  all.delete(labelsKey(labels));
  return [...all.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, shape.relatedMax)
    .map(([, v]) => v);
}

/** Reads the summary of the series `labels` around time `at`; a failed read is logged and left out. */
export async function readSummary(
  h: OllamaHistory | undefined,
  labels: Labels,
  at: number,
  shape: SummaryShape,
  log: Logger,
): Promise<SummaryData> {
  if (!h) return NO_SUMMARY;
  const safe = async <T>(what: string, read: () => Promise<T>, none: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      log.debug(`ollama: history read for the ${what} failed`, { error: String(err) });
      return none;
    }
  };
  const [recent, seasonal, rel] = await Promise.all([
    safe('recent window', () => ownWindow(h, labels, at, 0, shape), undefined),
    Promise.all(
      shape.seasonalOffsetsMs.map(async (offsetMs) => {
        const window = await safe(
          'seasonal window',
          () => ownWindow(h, labels, at, offsetMs, shape),
          undefined,
        );
        return window ? [{ offsetMs, window }] : [];
      }),
    ),
    safe('related series', () => related(h, labels, at, shape), []),
  ]);
  return { ...(recent ? { recent } : {}), seasonal: seasonal.flat(), related: rel };
}
