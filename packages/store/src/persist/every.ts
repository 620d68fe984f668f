import type { Clock, TimerHandle } from '@argus/core';

/**
 * Calls `fn` every `ms` on `clock` until the returned function is called. Built on the clock's one-shot timers so
 * tests drive it with a fake clock; the next tick is armed after `fn` returns, so a slow tick never overlaps itself.
 */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let stopped = false;
  let handle: TimerHandle | undefined;
  const tick = (): void => {
    if (stopped) return;
    try {
      fn();
    } finally {
      if (!stopped) handle = clock.setTimeout(tick, ms);
    }
  };
  handle = clock.setTimeout(tick, ms);
  return () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
  };
}
