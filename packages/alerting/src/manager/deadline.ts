import type { Clock } from '@argus/core';

/** A deadline from `timeoutMs` (timed on `clock`) and `signal`, whichever comes first. */
export interface Deadline {
  /** Resolves with `p`'s value, or with `false` once the deadline passes first. */
  race(p: Promise<boolean>): Promise<boolean>;
  /** Clears the timer and the signal listener. */
  clear(): void;
}

export function stopDeadline(
  clock: Clock,
  o: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined },
  defaultMs: number,
): Deadline {
  let fire: () => void = () => {};
  const expired = new Promise<boolean>((resolve) => {
    fire = () => resolve(false);
  });
  const timer = clock.setTimeout(() => fire(), o.timeoutMs ?? defaultMs);
  const onAbort = (): void => fire();
  if (o.signal?.aborted) fire();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    race: (p) => Promise.race([p, expired]),
    clear: () => {
      clock.clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    },
  };
}
