import type { Journal } from './journal.js';

/**
 * Write-behind over the {@link Journal}: `put`/`del` return at once and coalesce per key; one writer hands each
 * batch to the journal as one record. A value may be given as a function, called when the write happens: a key
 * changed many times between two writes is then built once (`undefined` from it deletes the key). `flushed()`
 * resolves once everything asked so far is durable, so a caller can acknowledge input only after its consequences
 * are stored.
 */
export class Persist {
  private pending = new Map<string, unknown>();
  private running: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly journal: Journal,
    private readonly onError: (err: Error) => void,
  ) {}

  put(key: string, value: unknown | (() => unknown)): void {
    this.pending.set(key, value);
    this.kick();
  }

  del(key: string): void {
    this.pending.set(key, DELETE);
    this.kick();
  }

  /** Resolves when every write asked before the call is done. */
  async flushed(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Writes that failed since the start (each is retried by the next write of its key). */
  get errors(): number {
    return this.failures;
  }

  private kick(): void {
    // the write starts once the caller's synchronous work is done (one ingest puts many keys): started at the first
    // put, it wrote that key alone and the rest as a second record, two fsyncs where one does. `running` is set now,
    // so a `flushed()` right after the puts still waits for them
    this.running ??= Promise.resolve()
      .then(() => this.drain())
      .then((ok) => {
        this.running = undefined;
        // after a failed write the batch waits for the next change instead of retrying in a loop
        if (ok && this.pending.size > 0) this.kick();
      });
  }

  /** Writes until nothing is pending; false when a write failed. */
  private async drain(): Promise<boolean> {
    while (this.pending.size > 0) {
      // a key put again meanwhile lands in the new map and is written after, so the last value still wins
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.journal.write(batch, DELETE);
      } catch (err) {
        this.failures++;
        this.onError(err as Error);
        // not written: keep what was not superseded meanwhile, to try again with the next batch
        for (const [k, v] of batch) if (!this.pending.has(k)) this.pending.set(k, v);
        return false;
      }
    }
    return true;
  }
}

const DELETE = Symbol('delete');
