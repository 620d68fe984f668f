import type { SourceBatch } from '../batch.js';
import type { Clock, TimerHandle } from '../clock.js';
import { type PluginError, toPluginError } from '../errors.js';
import type { PluginContext, Source, SourceHealth } from '../plugin.js';
import type { Resolved } from './config.js';
import { backoffMs, deadlineSignal, withDeadline } from './deadline.js';
import { observeLatency, type PluginStats } from './stats.js';

/** What a source runner needs from the pipeline. */
export interface SourceRunnerDeps {
  clock: Clock;
  stats: PluginStats;
  context(signal: AbortSignal, deadline: number): PluginContext;
  /** Runs a batch through the graph; resolves when done (backpressure). */
  ingest(batch: SourceBatch): Promise<void>;
  report(err: PluginError): void;
  health(h: SourceHealth): void;
  /** Counts items the source produced and emits `sent`. */
  sent(n: number): void;
  /** Aborts when shutdown is forced. */
  force: AbortSignal;
}

/** Counts the items of a source batch. */
export function sourceCount(b: SourceBatch): number {
  return b.kind === 'metrics' ? b.length : b.kind === 'logs' ? b.records.length : b.events.length;
}

/**
 * Schedules one source: polls every `intervalMs` (+ jitter), never overlapping (a tick that finds the
 * previous poll running is skipped and counted), each poll under `timeoutMs`; failures back off and mark
 * the source down. Push sources get an `emit` that applies backpressure.
 */
export class SourceRunner {
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  // the plugin's own promise: a poll that ignored its deadline is still running, and polls never overlap
  private rawPoll: Promise<unknown> | undefined;
  private stopped = false;
  private failures = 0;
  private up: boolean | undefined;

  constructor(
    readonly entry: Resolved<Source>,
    private readonly d: SourceRunnerDeps,
  ) {}

  get name(): string {
    return this.entry.plugin.name;
  }

  /** Starts polling (first poll now) and/or listening. */
  async begin(): Promise<void> {
    const src = this.entry.plugin;
    if (src.listen) {
      const ctx = this.d.context(this.d.force, Number.POSITIVE_INFINITY);
      try {
        await src.listen((batch) => this.emit(batch), ctx);
      } catch (err) {
        this.d.report(toPluginError(err, this.name, 'listen'));
      }
    }
    if (src.poll) this.tick();
  }

  /** Stops scheduling and waits (until `signal`) for the poll in flight. */
  async end(signal: AbortSignal): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    if (this.inFlight) {
      await Promise.race([
        this.inFlight,
        new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })),
      ]);
    }
  }

  private async emit(batch: SourceBatch): Promise<boolean> {
    if (this.stopped) return false;
    this.d.sent(sourceCount(batch));
    await this.d.ingest(batch);
    return true;
  }

  private tick = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.inFlight || this.rawPoll) {
      this.d.stats.custom['skippedTicks'] = (this.d.stats.custom['skippedTicks'] ?? 0) + 1;
    } else {
      this.inFlight = this.pollOnce().finally(() => {
        this.inFlight = undefined;
      });
    }
    this.schedule();
  };

  private schedule(): void {
    if (this.stopped) return;
    const base =
      this.failures > 0
        ? Math.max(this.entry.intervalMs, backoffMs(this.failures - 1, this.entry.intervalMs))
        : this.entry.intervalMs;
    const jitter = this.entry.jitterMs > 0 ? Math.floor(Math.random() * this.entry.jitterMs) : 0;
    this.timer = this.d.clock.setTimeout(this.tick, base + jitter);
  }

  private async pollOnce(): Promise<void> {
    const src = this.entry.plugin;
    const { signal, deadline, dispose } = deadlineSignal(this.d.clock, this.entry.timeoutMs, this.d.force);
    const t0 = performance.now();
    let out: SourceBatch | readonly SourceBatch[] | undefined;
    try {
      out = await withDeadline(this.name, 'poll', signal, this.entry.timeoutMs, () => {
        const r = src.poll!(this.d.context(signal, deadline));
        const raw = Promise.resolve(r).then(noop, noop);
        this.rawPoll = raw;
        void raw.then(() => {
          if (this.rawPoll === raw) this.rawPoll = undefined;
        });
        return r;
      });
    } catch (err) {
      dispose();
      observeLatency(this.d.stats, performance.now() - t0);
      this.d.stats.errors++;
      this.failures++;
      const e = toPluginError(err, this.name, 'poll');
      this.d.report(e);
      this.setHealth(false, e.message);
      return;
    }
    dispose();
    observeLatency(this.d.stats, performance.now() - t0);
    this.failures = 0;
    this.setHealth(true);
    const batches = out === undefined ? [] : isBatchList(out) ? out : [out];
    for (const b of batches) {
      this.d.sent(sourceCount(b));
      await this.d.ingest(b);
    }
  }

  private setHealth(up: boolean, lastError?: string): void {
    if (this.up === up) return;
    this.up = up;
    this.d.health({ source: this.name, up, since: this.d.clock.now(), ...(lastError ? { lastError } : {}) });
  }
}

function noop(): void {}

function isBatchList(x: SourceBatch | readonly SourceBatch[]): x is readonly SourceBatch[] {
  return Array.isArray(x);
}
