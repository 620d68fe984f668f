import type { Clock } from '@argus/core';

const MINUTE_MS = 60_000;

/** Tokens and call time spent in the current clock minute; both reset when the minute changes. */
export class MinuteBudget {
  private minute = -1;
  private tokens = 0;
  private callMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly tokensPerMinute: number,
    private readonly callMsPerMinute: number,
  ) {}

  private roll(): void {
    const m = Math.floor(this.clock.now() / MINUTE_MS);
    if (m !== this.minute) {
      this.minute = m;
      this.tokens = 0;
      this.callMs = 0;
    }
  }

  /** Whether a call expected to cost `estimatedTokens` fits what is left of this minute. */
  allows(estimatedTokens: number): boolean {
    this.roll();
    return this.tokens + estimatedTokens <= this.tokensPerMinute && this.callMs < this.callMsPerMinute;
  }

  spend(tokens: number, callMs: number): void {
    this.roll();
    this.tokens += tokens;
    this.callMs += callMs;
  }
}

/** Opens after `failures` consecutive failures; after `cooldownMs` lets one trial call through (half-open). */
export class CircuitBreaker {
  private consecutive = 0;
  private openUntil = 0;
  private trial = false;

  constructor(
    private readonly clock: Clock,
    private readonly failures: number,
    private readonly cooldownMs: number,
  ) {}

  /** Whether a call may be made now; in half-open state only one at a time. */
  admit(): boolean {
    if (this.consecutive < this.failures) return true;
    if (this.clock.now() < this.openUntil || this.trial) return false;
    this.trial = true;
    return true;
  }

  get open(): boolean {
    return this.consecutive >= this.failures;
  }

  success(): void {
    this.consecutive = 0;
    this.trial = false;
  }

  /** Gives back an admitted trial that made no call (over budget, no slot). */
  cancel(): void {
    this.trial = false;
  }

  failure(): void {
    this.consecutive++;
    this.trial = false;
    if (this.consecutive >= this.failures) this.openUntil = this.clock.now() + this.cooldownMs;
  }
}

/** A map that forgets its oldest entries past `max` (insertion order; a hit refreshes the entry). */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    if (this.max === 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/** At most `limit` holders at once; waiting stops when the signal aborts. */
export class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves `true` once a slot is held (release it), `false` if `signal` aborted first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.held < this.limit) {
      this.held++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.held++;
        resolve(true);
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    this.held--;
    this.waiting.shift()?.();
  }
}
