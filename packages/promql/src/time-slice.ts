// Long evaluations share the host's event loop: they run in slices of time and yield between them (issue 14:
// no block over 10 ms).
import { PromQLEvalError } from './parser/errors.js';

/**
 * How the engine shares the event loop: between chunks of work (a series, a group of label sets, a slice of a
 * sort, an inner step of a subquery) it asks `shouldYield()`, and when that says so awaits `yield()`.
 * The default yields with `setImmediate` (timers and I/O run first) after 2 ms of work on one process-wide
 * clock. A test can inject one that yields at every check and counts the yields.
 */
export interface Scheduler {
  /** Whether the work done since the last yield is enough to give the event loop a turn now. */
  shouldYield(): boolean;
  /** Gives the event loop a turn; resolves when the work may go on. */
  yield(): Promise<void>;
}

// One clock for the whole process: a rule group runs many short queries back to back, each too short to spend
// a slice of its own, yet together they would hold the event loop for the whole group.
let lastYield = performance.now();

/** A scheduler that yields once `sliceMs` has passed since the process's last yield. */
export function timeSlices(sliceMs: number): Scheduler {
  return {
    shouldYield: () => performance.now() - lastYield >= sliceMs,
    async yield() {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    },
  };
}

/**
 * The engine's default: 2 ms of work between yields. A block the host sees is the slice plus whatever lands in
 * it: a scavenge or a mark-compact pause of the garbage collector (5–9 ms measured here) or the process being
 * descheduled. With 5 ms slices the benchmark's day-long rate() saw blocks of 11–21 ms (p99 7.6–8.8 ms); with
 * 2 ms, 6–11 ms (p99 3.6–5.7 ms) for about the same CPU time (docs/benchmarks.md, h/yield14).
 */
export const defaultScheduler: Scheduler = timeSlices(2);

/** The checkpoint between chunks of one query's work: yield when the scheduler says so, stop when aborted. */
export class TimeSlice {
  constructor(
    private readonly scheduler: Scheduler = defaultScheduler,
    readonly signal: AbortSignal | undefined = undefined,
  ) {}

  /**
   * Whether the slice is used up: hot loops ask this (no promise made) and call checkpoint() only when it says
   * so. The signal needs no check in between: it can only fire while the event loop runs, i.e. at a yield.
   */
  due(): boolean {
    return this.scheduler.shouldYield();
  }

  /** Resolves at once inside the slice; after it, once the scheduler has yielded. */
  async yieldIfSpent(): Promise<void> {
    if (this.scheduler.shouldYield()) await this.scheduler.yield();
  }

  /** yieldIfSpent, then throws ERR_PROMQL_ABORTED when the query's signal has fired. */
  async checkpoint(): Promise<void> {
    if (this.scheduler.shouldYield()) await this.scheduler.yield();
    if (this.signal?.aborted) throw abortedError(this.signal);
  }
}

/** The error of a query stopped by its signal: Prometheus's words for a timeout, "query aborted" otherwise. */
export function abortedError(signal: AbortSignal): PromQLEvalError {
  const timeout = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
  return new PromQLEvalError(
    timeout ? 'query timed out in query execution' : 'query aborted',
    'ERR_PROMQL_ABORTED',
  );
}
