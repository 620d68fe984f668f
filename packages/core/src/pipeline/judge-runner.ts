import type { Clock } from '../clock.js';
import { type PluginError, toPluginError } from '../errors.js';
import type { Finding } from '../finding.js';
import { clampScore } from '../finding.js';
import type { Detector, JudgedFinding, PluginContext } from '../plugin.js';
import type { Resolved } from './config.js';
import { deadlineSignal, withDeadline } from './deadline.js';
import { observeLatency, type PluginStats } from './stats.js';

/** What a judge runner needs from the pipeline. */
export interface JudgeRunnerDeps {
  clock: Clock;
  stats: PluginStats;
  context(signal: AbortSignal, deadline: number): PluginContext;
  report(err: PluginError): void;
  /** Delivers findings whose verdicts changed. */
  updated(findings: Finding[]): Promise<void>;
  dropped(count: number): void;
  count(field: 'received' | 'sent', n: number): void;
  force: AbortSignal;
}

const PER_CALL = 16;

/**
 * Runs an asynchronous detector's `judge` off the hot path: a bounded queue (oldest skipped when full,
 * counted), at most `concurrency` calls in flight, each under `timeoutMs`. The pipeline never waits on it
 * except to drain at stop.
 */
export class JudgeRunner {
  private readonly queue: Finding[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly entry: Resolved<Detector>,
    private readonly d: JudgeRunnerDeps,
  ) {}

  get name(): string {
    return this.entry.plugin.name;
  }

  offer(findings: readonly Finding[]): void {
    const det = this.entry.plugin;
    for (const f of findings) {
      let wanted = true;
      try {
        wanted = det.select ? det.select(f) : true;
      } catch (err) {
        this.d.report(toPluginError(err, this.name, 'judge'));
        wanted = false;
      }
      if (!wanted) continue;
      if (this.queue.length >= this.entry.maxQueue) {
        this.queue.shift();
        this.d.stats.dropped++;
        this.d.dropped(1);
      }
      this.queue.push(f);
      this.d.count('received', 1);
    }
    this.d.stats.queueDepth = this.queue.length;
    this.pump();
  }

  /** Resolves when nothing is queued or running, or when `signal` aborts. */
  drain(signal: AbortSignal): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => resolve();
      this.idleWaiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Drops what is still queued (at a forced stop). */
  abandon(): void {
    const n = this.queue.length;
    this.queue.length = 0;
    if (n > 0) {
      this.d.stats.dropped += n;
      this.d.dropped(n);
    }
    this.wake();
  }

  private pump(): void {
    while (this.running < this.entry.concurrency && this.queue.length > 0 && !this.d.force.aborted) {
      const work = this.queue.splice(0, PER_CALL);
      this.d.stats.queueDepth = this.queue.length;
      this.running++;
      this.call(work).then(
        () => this.finish(),
        () => this.finish(),
      );
    }
  }

  private finish(): void {
    this.running--;
    this.pump();
    this.wake();
  }

  private wake(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  private async call(findings: Finding[]): Promise<void> {
    const { signal, deadline, dispose } = deadlineSignal(this.d.clock, this.entry.timeoutMs, this.d.force);
    const t0 = performance.now();
    let verdicts: readonly JudgedFinding[];
    try {
      verdicts = await withDeadline(this.name, 'judge', signal, this.entry.timeoutMs, () =>
        this.entry.plugin.judge!(findings, this.d.context(signal, deadline)),
      );
    } catch (err) {
      this.d.stats.errors++;
      this.d.report(toPluginError(err, this.name, 'judge'));
      return;
    } finally {
      dispose();
      observeLatency(this.d.stats, performance.now() - t0);
    }
    const byId = new Map(findings.map((f) => [f.id, f]));
    const updated: Finding[] = [];
    for (const v of verdicts) {
      const f = byId.get(v.findingId);
      if (!f) continue;
      updated.push({
        ...f,
        score: v.verdict.score === undefined ? f.score : clampScore(v.verdict.score),
        verdicts: [...(f.verdicts ?? []), v.verdict],
      });
    }
    if (updated.length > 0) this.d.count('sent', updated.length);
    if (updated.length > 0) await this.d.updated(updated);
  }
}
