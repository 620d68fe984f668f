import type { BatchSpec } from './batch-spec.js';
import type { SeriesSnapshot } from './history-store.js';
import type { BacktestResult } from './run-backtest.js';
import type { BatchResult } from './run-batch.js';
import type { BacktestSpec } from './spec.js';

/** What a job runs: a rule backtest or a batch run of detectors. */
export type JobSpec = BacktestSpec | BatchSpec;

/** What a succeeded job answers, by its type. */
export type JobResult = BacktestResult | BatchResult;

/** The one message a job's worker gets. */
export interface ToWorker {
  readonly spec: JobSpec;
  readonly series: readonly SeriesSnapshot[];
}

/** What a job's worker posts back: progress, then a result or an error. */
export type FromWorker =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result: JobResult }
  | { readonly type: 'failed'; readonly message: string };
