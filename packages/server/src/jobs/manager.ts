// Historical analysis jobs: bounded in number, each run in a worker thread of its own, cancellable, results kept
// for a bounded time. The server's thread only copies the history (in slices) and moves messages.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Clock, LabelMatcher, Logger } from '@argus/core';
import type { Store } from '@argus/store';
import type { FromWorker, JobResult, JobSpec, ToWorker } from './messages.js';
import type { ResolvedJobsOptions } from './options.js';
import { snapshot } from './snapshot.js';
import { jobWorkerFile } from './worker-file.js';

/** A job's state: `running` until it succeeds, fails or is cancelled. */
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as the API shows it. */
export interface JobView {
  readonly id: string;
  readonly type: 'backtest' | 'batch';
  readonly state: JobState;
  /** `copying` history out of the store, `evaluating` in the worker, `finished`. */
  readonly phase: 'copying' | 'evaluating' | 'finished';
  /** Evaluations done of the total (0 of 0 while copying). */
  readonly progress: { readonly done: number; readonly total: number };
  readonly from: number;
  readonly to: number;
  /** Samples copied to the worker. */
  readonly samples: number;
  /** The job's worker thread: not started yet, running, or exited. */
  readonly worker: 'none' | 'running' | 'exited';
  readonly createdBy: string;
  readonly createdAt: number;
  readonly finishedAt?: number;
  /** When a finished job and its result are dropped. */
  readonly expiresAt?: number;
  readonly error?: string;
  /** Only on a succeeded job, and only when asked for one job. */
  readonly result?: JobResult;
}

/** How a worker's job ended. */
type Outcome = Exclude<FromWorker, { type: 'progress' }>;

/** Thrown by {@link JobManager.start} when `maxRunning` jobs are running. */
export class JobsFull extends Error {}

interface Job {
  view: Omit<JobView, 'result' | 'expiresAt'>;
  result?: JobResult;
  readonly abort: AbortController;
  worker?: Worker;
  /** Resolves once the job has ended and its worker (if it had one) has exited. */
  readonly ended: Promise<void>;
  end: () => void;
}

/** What the manager needs from the server. */
export interface JobManagerDeps {
  readonly store: () => Store | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: ResolvedJobsOptions;
  /** Called with a job's view when it starts and whenever it changes (progress, phase, worker, state). */
  readonly onChange?: (job: JobView) => void;
  /** The built worker script. @default dist/job-worker.js */
  readonly workerFile?: () => URL;
}

/** Starts, tracks, cancels and forgets analysis jobs. */
export class JobManager {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: JobManagerDeps) {}

  /** Jobs running now. */
  running(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.view.state === 'running') n++;
    return n;
  }

  /** Starts a backtest or batch run over the store's history; throws {@link JobsFull} at the limit. */
  start(spec: JobSpec, matchers: readonly LabelMatcher[], createdBy: string, store: Store): JobView {
    this.prune();
    const max = this.deps.options.maxRunning;
    if (this.running() >= max)
      throw new JobsFull(
        `${max} analysis jobs are running (jobs.maxRunning); wait for one to finish or cancel one with DELETE /api/analysis/jobs/{id}`,
      );
    let end = (): void => {};
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const job: Job = {
      view: {
        id: randomUUID(),
        type: spec.type,
        state: 'running',
        phase: 'copying',
        progress: { done: 0, total: 0 },
        from: spec.from,
        to: spec.to,
        samples: 0,
        worker: 'none',
        createdBy,
        createdAt: this.deps.clock.now(),
      },
      abort: new AbortController(),
      ended,
      end,
    };
    this.jobs.set(job.view.id, job);
    const view = this.show(job, false);
    this.deps.onChange?.(view);
    void this.run(job, spec, matchers, store);
    return view;
  }

  /** One job, with its result when it has one; undefined when unknown or expired. */
  get(id: string): JobView | undefined {
    this.prune();
    const j = this.jobs.get(id);
    return j && this.show(j, true);
  }

  /** Every job kept, newest first, without results. */
  list(): JobView[] {
    this.prune();
    return [...this.jobs.values()].reverse().map((j) => this.show(j, false));
  }

  /**
   * Cancels a running job (its worker thread is terminated; this resolves once it has exited), or forgets a
   * finished one. Undefined when there is no such job.
   */
  async cancel(id: string): Promise<JobView | undefined> {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    if (j.view.state !== 'running') {
      this.jobs.delete(id);
      return this.show(j, false);
    }
    this.finish(j, { state: 'cancelled' });
    j.abort.abort();
    await j.worker?.terminate();
    await j.ended;
    return this.show(j, false);
  }

  /** Resolves once the job has ended and its worker has exited (at once for an unknown job). */
  async ended(id: string): Promise<void> {
    await this.jobs.get(id)?.ended;
  }

  /** Cancels every running job; the server calls it on close. */
  async close(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.view.state === 'running');
    await Promise.all(running.map((j) => this.cancel(j.view.id)));
  }

  private update(j: Job, change: Partial<Job['view']>): void {
    j.view = { ...j.view, ...change };
    this.deps.onChange?.(this.show(j, false));
  }

  private show(j: Job, withResult: boolean): JobView {
    const expiresAt =
      j.view.finishedAt === undefined ? undefined : j.view.finishedAt + this.deps.options.resultTtlMs;
    return {
      ...j.view,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(withResult && j.result ? { result: j.result } : {}),
    };
  }

  private finish(j: Job, how: { state: JobState; error?: string; result?: JobResult }): void {
    if (j.view.state !== 'running') return;
    if (how.result) j.result = how.result;
    this.update(j, {
      state: how.state,
      phase: 'finished',
      finishedAt: this.deps.clock.now(),
      ...(how.error === undefined ? {} : { error: how.error }),
    });
    if (!j.worker) j.end();
  }

  private async run(j: Job, spec: JobSpec, matchers: readonly LabelMatcher[], store: Store): Promise<void> {
    try {
      const range = { from: spec.from - spec.lookbackMs, to: spec.to };
      const snap = await snapshot(store, matchers, range, this.deps.options.maxSamples, j.abort.signal);
      if (j.view.state !== 'running') return;
      this.update(j, { samples: snap.samples, phase: 'evaluating' });
      const outcome = await this.inWorker(j, { spec, series: snap.series }, snap.transfer);
      if (outcome.type === 'done') this.finish(j, { state: 'succeeded', result: outcome.result });
      else this.finish(j, { state: 'failed', error: outcome.message });
    } catch (err) {
      this.finish(j, { state: 'failed', error: (err as Error).message });
    }
    if (j.view.state === 'failed')
      this.deps.log.warn(`server: analysis job ${j.view.id} failed: ${j.view.error}`);
  }

  /** Runs the job in a new worker thread; resolves with its outcome (a failure if it dies first). */
  private inWorker(j: Job, msg: ToWorker, transfer: ArrayBuffer[]): Promise<Outcome> {
    const worker = new Worker((this.deps.workerFile ?? jobWorkerFile)());
    // a job never keeps the process alive: the server (or the host) decides when to stop
    worker.unref();
    j.worker = worker;
    this.update(j, { worker: 'running' });
    return new Promise((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress') this.update(j, { progress: { done: m.done, total: m.total } });
        else resolve(m);
      });
      worker.once('error', (err) => resolve({ type: 'failed', message: `worker: ${err.message}` }));
      worker.once('exit', (code) => {
        this.update(j, { worker: 'exited' });
        resolve({ type: 'failed', message: `worker exited (code ${code}) before it answered` });
        j.end();
      });
      worker.postMessage(msg, transfer);
    });
  }

  /** Drops finished jobs past their time, then the oldest finished ones past `maxKept`. */
  private prune(): void {
    const now = this.deps.clock.now();
    const { resultTtlMs, maxKept } = this.deps.options;
    const finished = [...this.jobs.values()].filter((j) => j.view.finishedAt !== undefined);
    for (const j of finished) if (j.view.finishedAt! + resultTtlMs <= now) this.jobs.delete(j.view.id);
    const kept = finished.filter((j) => this.jobs.has(j.view.id));
    for (const j of kept.slice(0, Math.max(0, kept.length - maxKept))) this.jobs.delete(j.view.id);
  }
}
