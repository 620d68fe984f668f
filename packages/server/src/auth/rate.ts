import type { Clock } from '@argus/core';

/** Keys tracked before expired windows are swept (bounds memory under many client addresses). */
const SWEEP_AT = 10_000;

/**
 * Fixed-window counters per key (a client address, a token id) on the injectable clock, so limits are testable
 * without waiting. `hit` counts one use and says whether it is within the limit.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  private current(key: string): { start: number; count: number } {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size >= SWEEP_AT) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Counts one use of `key`; false once the window's limit is passed. */
  hit(key: string): boolean {
    return ++this.current(key).count <= this.max;
  }

  /** Whether `key` is over its limit now, without counting. */
  blocked(key: string): boolean {
    const w = this.windows.get(key);
    return w !== undefined && this.clock.now() - w.start < this.windowMs && w.count >= this.max;
  }

  /** Seconds until `key`'s window ends (for `Retry-After`). */
  retryAfterS(key: string): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - this.clock.now()) / 1000)) : 1;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
