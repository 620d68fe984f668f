import type { Clock } from '@argus/core';

/** A clock read at call time: `start` may swap in the pipeline's clock after the parts were built. */
export function lateClock(get: () => Clock): Clock {
  return {
    now: () => get().now(),
    setTimeout: (f, ms) => get().setTimeout(f, ms),
    clearTimeout: (h) => get().clearTimeout(h),
  };
}
