// A query's own signal. `AbortSignal.any([AbortSignal.timeout(ms), caller])` per query cost about 4 % of a rule
// group of small queries (a timer that outlives the query, and the weak bookkeeping of `any`); one controller
// with a timer cleared when the query ends does the same job.

/** A query's signal and the call that releases its timer and its listener on the caller's signal. */
export interface QuerySignal {
  readonly signal: AbortSignal;
  done(): void;
}

/**
 * Fires after `timeoutMs` with a `TimeoutError` DOMException as its reason (as `AbortSignal.timeout` does), or
 * with the reason of `outer` when that fires first. The timer is unref'd: a pending query never keeps a process up.
 */
export function querySignal(timeoutMs: number, outer: AbortSignal | undefined): QuerySignal {
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref?.();
  let onAbort: (() => void) | undefined;
  if (outer?.aborted) ac.abort(outer.reason);
  else if (outer) {
    onAbort = () => ac.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: ac.signal,
    done() {
      clearTimeout(timer);
      if (onAbort) outer?.removeEventListener('abort', onAbort);
    },
  };
}
