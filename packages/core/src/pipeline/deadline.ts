import type { Clock } from '../clock.js';
import { type ErrorCode, type Hook, PluginError, toPluginError } from '../errors.js';

/** An AbortSignal that aborts at `ms` from now on `clock`, or when `parent` aborts. `dispose()` clears the timer. */
export function deadlineSignal(
  clock: Clock,
  ms: number,
  parent?: AbortSignal,
): { signal: AbortSignal; deadline: number; dispose: () => void } {
  const ctl = new AbortController();
  const deadline = Number.isFinite(ms) ? clock.now() + ms : Number.POSITIVE_INFINITY;
  const onParent = (): void => ctl.abort(parent?.reason);
  if (parent?.aborted) ctl.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  const timer = Number.isFinite(ms)
    ? clock.setTimeout(() => ctl.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError')), ms)
    : undefined;
  return {
    signal: ctl.signal,
    deadline,
    dispose() {
      if (timer !== undefined) clock.clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/**
 * Runs a plugin hook under a deadline. Resolves with its result, or rejects with a PluginError naming the
 * plugin and hook: `ERR_PLUGIN_TIMEOUT` when `signal` aborts first (even if the plugin ignores the signal).
 */
export function withDeadline<T>(
  plugin: string,
  hook: Hook,
  signal: AbortSignal,
  timeoutMs: number,
  run: () => Promise<T> | T,
  code: ErrorCode = 'ERR_PLUGIN_FAILED',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(
        new PluginError(
          'ERR_PLUGIN_TIMEOUT',
          plugin,
          hook,
          timeoutMs > 0
            ? `did not finish within ${timeoutMs} ms`
            : 'did not finish before the shutdown deadline',
          {
            cause: signal.reason,
            retryable: true,
          },
        ),
      );
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    let result: Promise<T> | T;
    try {
      result = run();
    } catch (err) {
      signal.removeEventListener('abort', onAbort);
      reject(toPluginError(err, plugin, hook, code));
      return;
    }
    Promise.resolve(result).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toPluginError(err, plugin, hook, code));
      },
    );
  });
}

/** Exponential backoff with full jitter: attempt 0 → up to `baseMs`, doubling, capped at `maxMs`. */
export function backoffMs(attempt: number, baseMs = 200, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
