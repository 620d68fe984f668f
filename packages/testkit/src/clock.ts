import type { Clock, TimerHandle } from '@argus/core';

/** Options of {@link fakeClock}. */
export interface FakeClockOptions {
  /** Start time, ms since epoch. @default 0 */
  now?: number;
}

/** A {@link Clock} whose time moves only when the test says so. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in time order (including timers they schedule). */
  advance(ms: number): void;
  /** Like {@link FakeClock.advance}, but lets pending promises settle before and after each timer fires. */
  advanceAsync(ms: number): Promise<void>;
  /** Fires timers until none are left (jumping time to each); throws after `maxTimers` as a runaway guard. */
  runAll(maxTimers?: number): void;
  /** Like {@link FakeClock.runAll}, letting promises settle between timers. */
  runAllAsync(maxTimers?: number): Promise<void>;
  /** Number of timers scheduled and not yet fired or cleared. */
  pending(): number;
  /** Sets the time (forward only) without firing timers. */
  set(now: number): void;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Lets every queued microtask and promise continuation run: one macrotask turn. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A fake clock for driving core and plugins deterministically: pass it as `createPipeline({ clock })`
 * or in a hand-built context, then `advance()` time. Timers due at the same time fire in scheduling order.
 * @example
 * const clock = fakeClock({ now: 1_000 });
 * clock.setTimeout(() => console.log('tick'), 500);
 * clock.advance(500); // logs 'tick'; clock.now() === 1_500
 */
export function fakeClock(options: FakeClockOptions = {}): FakeClock {
  let now = options.now ?? 0;
  let seq = 0;
  const timers = new Map<TimerHandle, Timer>();

  const next = (limit: number): [TimerHandle, Timer] | undefined => {
    let best: [TimerHandle, Timer] | undefined;
    for (const entry of timers) {
      const t = entry[1];
      if (t.at > limit) continue;
      if (!best || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = entry;
    }
    return best;
  };
  const fire = (entry: [TimerHandle, Timer]): void => {
    timers.delete(entry[0]);
    if (entry[1].at > now) now = entry[1].at;
    entry[1].fn();
  };
  const runaway = (max: number): Error =>
    new Error(`fakeClock: more than ${max} timers fired; a timer probably reschedules itself forever`);

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const handle: TimerHandle = { __timer: true };
      const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
      timers.set(handle, { at: now + delay, seq: seq++, fn });
      return handle;
    },
    clearTimeout(handle) {
      timers.delete(handle);
    },
    advance(ms) {
      const target = now + Math.max(0, ms);
      for (let e = next(target); e; e = next(target)) fire(e);
      now = target;
    },
    async advanceAsync(ms) {
      const target = now + Math.max(0, ms);
      await settle();
      for (let e = next(target); e; e = next(target)) {
        fire(e);
        await settle();
      }
      now = target;
    },
    runAll(maxTimers = 10_000) {
      for (let n = 0, e = next(Infinity); e; e = next(Infinity), n++) {
        if (n >= maxTimers) throw runaway(maxTimers);
        fire(e);
      }
    },
    async runAllAsync(maxTimers = 10_000) {
      await settle();
      for (let n = 0, e = next(Infinity); e; e = next(Infinity), n++) {
        if (n >= maxTimers) throw runaway(maxTimers);
        fire(e);
        await settle();
      }
    },
    pending: () => timers.size,
    set(t) {
      if (t < now) throw new RangeError(`fakeClock.set: time only moves forward (now ${now}, given ${t})`);
      now = t;
    },
  };
}
