import type { Clock } from '../clock.js';
import { type Hook, PluginError, toPluginError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MetricsHook, PluginContext } from '../plugin.js';
import type { SeriesRegistry } from '../series.js';
import type { StateStore } from '../state/store.js';

/** The parts of a plugin's context that do not change between calls (built once per plugin). */
export interface BaseContext {
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: MetricsHook;
  readonly series: SeriesRegistry;
  readonly state: StateStore;
}

/**
 * A per-call context whose AbortSignal is created only when the plugin reads it: a sink that answers
 * synchronously (or never looks at the signal) costs no AbortController, timer or listener per call.
 */
export class CallContext implements PluginContext {
  private ctl: AbortController | undefined;

  constructor(
    private readonly base: BaseContext,
    private readonly force: AbortSignal,
    readonly deadline: number,
  ) {}

  get signal(): AbortSignal {
    if (!this.ctl) {
      this.ctl = new AbortController();
      if (this.force.aborted) this.ctl.abort(this.force.reason);
    }
    return this.ctl.signal;
  }
  get log(): Logger {
    return this.base.log;
  }
  get clock(): Clock {
    return this.base.clock;
  }
  get metrics(): MetricsHook {
    return this.base.metrics;
  }
  get series(): SeriesRegistry {
    return this.base.series;
  }
  get state(): StateStore {
    return this.base.state;
  }

  /** Aborts the signal, if the plugin asked for one. */
  abort(reason: unknown): void {
    this.ctl?.abort(reason);
  }
}

/**
 * Calls a hook with a lazily-armed deadline: a synchronous result is returned as is; only a pending promise
 * gets a timer (which aborts the context's signal and rejects with ERR_PLUGIN_TIMEOUT) and a force listener.
 * A throw or rejection becomes a PluginError naming the plugin and hook.
 */
export function callWithDeadline<T>(
  plugin: string,
  hook: Hook,
  ctx: CallContext,
  timeoutMs: number,
  force: AbortSignal,
  run: (ctx: CallContext) => Promise<T> | T,
): T | Promise<T> {
  let result: Promise<T> | T;
  try {
    result = run(ctx);
  } catch (err) {
    throw toPluginError(err, plugin, hook);
  }
  if (!isThenable(result)) return result;
  const pending = result;
  return new Promise<T>((resolve, reject) => {
    const fail = (cause: unknown): void => {
      const err = new PluginError(
        'ERR_PLUGIN_TIMEOUT',
        plugin,
        hook,
        `did not finish within ${timeoutMs} ms`,
        {
          cause,
          retryable: true,
        },
      );
      ctx.abort(err);
      cleanup();
      reject(err);
    };
    const onForce = (): void => fail(force.reason);
    const timer = ctx.clock.setTimeout(() => fail(undefined), timeoutMs);
    const cleanup = (): void => {
      ctx.clock.clearTimeout(timer);
      force.removeEventListener('abort', onForce);
    };
    if (force.aborted) return onForce();
    force.addEventListener('abort', onForce, { once: true });
    pending.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (err: unknown) => {
        cleanup();
        reject(toPluginError(err, plugin, hook));
      },
    );
  });
}

function isThenable<T>(x: Promise<T> | T): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}
