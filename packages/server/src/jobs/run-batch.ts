// The work a batch-run job's worker thread does: rebuild the copied history in a store of its own, then run the
// detectors over it with `pipeline.runBatch`, as `argus demo` replays its history, and collect the findings.
import { createPipeline, type Finding, type FindingKind, type Labels, silentLogger } from '@argus/core';
import { storeSource } from '@argus/store';
import type { BatchSpec } from './batch-spec.js';
import { makeDetector } from './detectors.js';
import { historyStore, type SeriesSnapshot } from './history-store.js';

/** A finding of a batch run: the pipeline's finding with its series' labels instead of the worker's series id. */
export type JobFinding = Omit<Finding, 'series' | 'id'> & { readonly labels: Labels };

/** What a batch run found in one series. */
export interface SeriesSummary {
  readonly labels: Labels;
  readonly findings: number;
  readonly maxScore: number;
  /** Findings by kind. */
  readonly kinds: Partial<Record<FindingKind, number>>;
  readonly first: number;
  readonly last: number;
}

/** What a finished batch-run job answers. */
export interface BatchResult {
  /** The detectors run, by name. */
  readonly detectors: readonly string[];
  /** Samples replayed (the warm-up included). */
  readonly samples: number;
  /** Series replayed. */
  readonly series: number;
  /** Findings in [from, to), all counted. */
  readonly totalFindings: number;
  /** The first `maxFindings` of them, in the order the pipeline produced them. */
  readonly findings: readonly JobFinding[];
  /** More findings than `maxFindings` were made. */
  readonly truncated: boolean;
  /** One entry per series with findings, most findings first. */
  readonly perSeries: readonly SeriesSummary[];
}

interface Tally {
  labels: Labels;
  findings: number;
  maxScore: number;
  kinds: Partial<Record<FindingKind, number>>;
  first: number;
  last: number;
}

function tally(per: Map<string, Tally>, labels: Labels, f: Finding): void {
  const key = JSON.stringify(labels);
  let t = per.get(key);
  if (!t)
    per.set(
      key,
      (t = { labels, findings: 0, maxScore: 0, kinds: {}, first: f.timestamp, last: f.timestamp }),
    );
  t.findings++;
  t.maxScore = Math.max(t.maxScore, f.score);
  t.kinds[f.kind] = (t.kinds[f.kind] ?? 0) + 1;
  t.first = Math.min(t.first, f.timestamp);
  t.last = Math.max(t.last, f.timestamp);
}

/** About a hundred progress steps over the range, each at least a minute of data. */
const windowOf = (spanMs: number): number => Math.max(60_000, Math.ceil(spanMs / 100));

/**
 * Runs the spec's detectors over [from − lookbackMs, to) of the snapshot and returns the findings in
 * [from, to). `onProgress` gets windows done of the total.
 */
export async function runBatchJob(
  spec: BatchSpec,
  series: readonly SeriesSnapshot[],
  onProgress: (done: number, total: number) => void,
): Promise<BatchResult> {
  const start = spec.from - spec.lookbackMs;
  const store = historyStore(spec.to - start, series);
  try {
    const pipeline = createPipeline({
      logger: silentLogger,
      sources: [storeSource(store, { name: 'history' })],
      detectors: spec.detectors.map(makeDetector),
    });
    const findings: JobFinding[] = [];
    const per = new Map<string, Tally>();
    let total = 0;
    pipeline.on('finding', (f: Finding) => {
      if (f.timestamp < spec.from) return; // the warm-up's
      total++;
      const labels = pipeline.series.labels(f.series);
      tally(per, labels, f);
      if (findings.length >= spec.maxFindings) return;
      const { id: _id, series: _series, ...rest } = f;
      findings.push({ ...rest, labels });
    });
    pipeline.on('progress', (e) => onProgress(e.done, e.total));
    const span = spec.to - start;
    const summary = await pipeline.runBatch({
      from: start,
      to: spec.to,
      stepMs: 15_000,
      windowMs: windowOf(span),
    });
    return {
      detectors: spec.detectors.map((d) => d.use),
      samples: summary.samples,
      series: series.length,
      totalFindings: total,
      findings,
      truncated: total > findings.length,
      perSeries: [...per.values()].sort((a, b) => b.findings - a.findings || b.maxScore - a.maxScore),
    };
  } finally {
    await store.close();
  }
}
