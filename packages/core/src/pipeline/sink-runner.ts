import { type Clock, sleep } from '../clock.js';
import { PluginError, toPluginError } from '../errors.js';
import type { Sink, SinkBatch, WriteResult } from '../plugin.js';
import { type BaseContext, CallContext, callWithDeadline } from './call-context.js';
import type { Resolved } from './config.js';
import { backoffMs } from './deadline.js';
import type { DropReason } from './events.js';
import { observeLatency, type PluginStats } from './stats.js';

/** What a sink runner needs from the pipeline. */
export interface SinkRunnerDeps {
  stats: PluginStats;
  clock: Clock;
  /** The plugin's per-call-invariant context parts. */
  base: BaseContext;
  report(err: PluginError): void;
  dropped(count: number, reason: DropReason): void;
  sent(count: number): void;
  received(count: number): void;
  blocked(queued: number): void;
  /** Aborts when shutdown is forced. */
  force: AbortSignal;
}

/** Number of items in a sink batch (samples, records, findings or alerts). */
export function itemCount(batch: SinkBatch): number {
  switch (batch.kind) {
    case 'metrics':
      return batch.length;
    case 'logs':
      return batch.records.length;
    case 'findings':
      return batch.findings.length;
    case 'alerts':
      return batch.alerts.length;
  }
}

/**
 * One sink's buffer and worker. Writes are sequential, each under the entry's deadline; retryable failures
 * are retried with backoff; the buffer applies `whenFull`. Nothing here waits on any other sink.
 */
export class SinkRunner {
  private readonly queue: SinkBatch[] = [];
  private writing = false;
  private active = false;
  private closed = false;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private isBlocked = false;

  constructor(
    readonly entry: Resolved<Sink>,
    private readonly deps: SinkRunnerDeps,
  ) {}

  get name(): string {
    return this.entry.plugin.name;
  }

  /** Marks the sink started: the worker may write. */
  activate(): void {
    this.active = true;
    this.pump();
  }

  accepts(kind: SinkBatch['kind']): boolean {
    return this.entry.plugin.accepts.includes(kind);
  }

  /** Enqueues a batch; resolves when it is queued (for `block`, when there is room) or dropped. */
  async offer(batch: SinkBatch): Promise<void> {
    const n = itemCount(batch);
    if (n === 0) return;
    this.deps.received(n);
    if (this.closed) {
      this.drop(n, 'shutdown');
      return;
    }
    while (this.queue.length >= this.entry.maxBatches) {
      if (this.entry.whenFull === 'dropNewest') {
        this.drop(n, 'bufferFull');
        return;
      }
      if (this.entry.whenFull === 'dropOldest') {
        // the head may be in the middle of a write: drop the oldest not being written
        const idx = this.writing ? 1 : 0;
        const [old] = this.queue.splice(idx, 1);
        if (old) this.drop(itemCount(old), 'bufferFull');
        else break;
        continue;
      }
      if (!this.isBlocked) {
        this.isBlocked = true;
        this.deps.blocked(this.queue.length);
      }
      await new Promise<void>((r) => this.spaceWaiters.push(r));
      if (this.closed) {
        this.drop(n, 'shutdown');
        return;
      }
    }
    this.isBlocked = false;
    this.queue.push(batch);
    this.deps.stats.queueDepth = this.queue.length;
    this.pump();
  }

  /** Resolves when the buffer is empty and no write is in flight, or when `signal` aborts. */
  drain(signal: AbortSignal): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.idleWaiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops accepting; everything still queued is dropped as `shutdown` (counted). */
  close(): void {
    this.closed = true;
    const rest = this.queue.splice(this.writing ? 1 : 0);
    for (const b of rest) this.drop(itemCount(b), 'shutdown');
    this.deps.stats.queueDepth = this.queue.length;
    this.wakeSpace();
    this.wakeIdle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && !this.writing;
  }

  private pump(): void {
    if (this.writing || !this.active || this.queue.length === 0) return;
    this.writing = true;
    this.loop().then(
      () => undefined,
      (err: unknown) => this.deps.report(toPluginError(err, this.name, 'write', 'ERR_SINK_WRITE')),
    );
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0 && !this.deps.force.aborted) {
      const batch = this.queue[0]!;
      await this.deliver(batch);
      this.queue.shift();
      this.deps.stats.queueDepth = this.queue.length;
      this.wakeSpace();
    }
    this.writing = false;
    if (this.deps.force.aborted) this.close();
    this.wakeIdle();
  }

  private async deliver(batch: SinkBatch): Promise<void> {
    const n = itemCount(batch);
    for (let attempt = 0; ; attempt++) {
      const result = await this.writeOnce(batch);
      if (result.ok) {
        this.deps.sent(n);
        return;
      }
      this.deps.stats.errors++;
      const err = toPluginError(result.error, this.name, 'write', 'ERR_SINK_WRITE');
      this.deps.report(
        err.code === 'ERR_SINK_WRITE' || err.code === 'ERR_PLUGIN_TIMEOUT'
          ? err
          : new PluginError('ERR_SINK_WRITE', this.name, 'write', err.detail ?? err.message, {
              cause: err,
              retryable: result.retryable,
            }),
      );
      if (!result.retryable || attempt >= this.entry.maxRetries || this.deps.force.aborted) {
        this.drop(n, this.deps.force.aborted ? 'shutdown' : 'error');
        return;
      }
      try {
        await sleep(this.deps.clock, backoffMs(attempt), this.deps.force);
      } catch {
        this.drop(n, 'shutdown');
        return;
      }
    }
  }

  private async writeOnce(batch: SinkBatch): Promise<WriteResult> {
    const { clock, force } = this.deps;
    const ctx = new CallContext(this.deps.base, force, clock.now() + this.entry.timeoutMs);
    const t0 = performance.now();
    try {
      const r = callWithDeadline(this.name, 'write', ctx, this.entry.timeoutMs, force, (c) =>
        this.entry.plugin.write(batch, c),
      );
      return r instanceof Promise ? await r : r;
    } catch (err) {
      const e = toPluginError(err, this.name, 'write', 'ERR_SINK_WRITE');
      return { ok: false, retryable: thrownIsRetryable(e), error: e };
    } finally {
      observeLatency(this.deps.stats, performance.now() - t0);
    }
  }

  private drop(n: number, reason: DropReason): void {
    this.deps.stats.dropped += n;
    this.deps.dropped(n, reason);
  }

  private wakeSpace(): void {
    const w = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const r of w) r();
  }

  private wakeIdle(): void {
    if (!this.isIdle() && !this.closed) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }
}

// A throw is retryable unless the plugin said otherwise: look at what the plugin threw (the wrapper's cause),
// not at the wrapper, whose `retryable` defaults to false.
function thrownIsRetryable(e: PluginError): boolean {
  if (e.code === 'ERR_PLUGIN_TIMEOUT') return true;
  const original = e.cause ?? e;
  if (typeof original === 'object' && original !== null && 'retryable' in original) {
    return (original as { retryable: unknown }).retryable === true;
  }
  return true;
}
