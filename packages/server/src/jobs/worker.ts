// Entry of a job's worker thread (built to dist/job-worker.js): takes one job, posts progress and the result,
// and ends. Everything heavy runs here, so the server's event loop (and the pipeline beside it) stays free.
import { parentPort } from 'node:worker_threads';
import type { FromWorker, JobResult, ToWorker } from './messages.js';
import { runBacktest } from './run-backtest.js';
import { runBatchJob } from './run-batch.js';

const port = parentPort;
if (!port) throw new Error('server: job-worker.js runs only as a worker thread (new Worker(...))');

port.once('message', (job: ToWorker) => {
  const post = (m: FromWorker): void => port.postMessage(m);
  let shown = -1;
  // at most one message per percent: a long backtest makes tens of thousands of evaluations
  const progress = (done: number, total: number): void => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === shown) return;
    shown = pct;
    post({ type: 'progress', done, total });
  };
  const run: Promise<JobResult> =
    job.spec.type === 'batch'
      ? runBatchJob(job.spec, job.series, progress)
      : runBacktest(job.spec, job.series, progress);
  run.then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
