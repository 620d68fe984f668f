import type { StateStore } from '@argus/core';

/**
 * Write-behind over a {@link StateStore}: `put`/`del` return at once and coalesce per key; one writer applies them
 * in order. A value may be given as a function, called when the write happens: a key changed many times between
 * two writes is then built once (`undefined` from it skips the write). `flushed()` resolves once everything asked so far is durable, so a caller can acknowledge input only
 * after its consequences are stored.
 */
export class Persist {
  private pending = new Map<string, unknown>();
  private running: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly store: StateStore,
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
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.pending.size > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      // take the whole map: reading its first entry after many deletes rescans them (quadratic on big bursts);
      // a key put again meanwhile lands in the new map and is written after, so the last value still wins
      const batch = this.pending;
      this.pending = new Map();
      for (const [key, pending] of batch) {
        try {
          const value = typeof pending === 'function' ? (pending as () => unknown)() : pending;
          if (value === DELETE) await this.store.delete(key);
          else if (value !== undefined) await this.store.put(key, value);
        } catch (err) {
          this.failures++;
          this.onError(err as Error);
        }
      }
    }
  }
}

const DELETE = Symbol('delete');
