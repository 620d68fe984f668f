import type { BacktestResult, SeriesSnapshot } from './run-backtest.js';
import type { BacktestSpec } from './spec.js';

/** The one message a job's worker gets. */
export interface ToWorker {
  readonly spec: BacktestSpec;
  readonly series: readonly SeriesSnapshot[];
}

/** What a job's worker posts back: progress, then a result or an error. */
export type FromWorker =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result: BacktestResult }
  | { readonly type: 'failed'; readonly message: string };
