import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock.js';
import type { PluginError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DropReporter } from './drops.js';
import type { DropReason, PipelineEvents } from './events.js';
import { lastErrorOf, type PluginStats } from './stats.js';

/**
 * Self-observability of a pipeline: counters, events and error routing. Every emit is guarded (eventemitter3
 * lets a throwing listener abort the emit for everyone else), and every error reaches `onError` whether or not
 * anything listens to `error`.
 */
export class Telemetry {
  private readonly drops = new Map<string, DropReporter>();
  private readonly onError: (err: PluginError) => void;

  constructor(
    private readonly emitter: Pick<EventEmitter<PipelineEvents>, 'listeners'>,
    private readonly stats: (plugin: string) => PluginStats,
    private readonly clock: Clock,
    private readonly log: Logger,
    onError?: (err: PluginError) => void,
  ) {
    this.onError = onError ?? this.warnOncePerCode();
  }

  /** Adds to a plugin's counter and emits the matching event. */
  count(plugin: string, field: 'received' | 'sent', n: number): void {
    this.stats(plugin)[field] += n;
    this.emit(field, { plugin, count: n });
  }

  /** Records the plugin's last error, emits an `error` event and calls `onError`. */
  report(err: PluginError): void {
    // a throwing event listener is no plugin of the pipeline: it gets no stats entry of its own
    if (err.plugin !== 'listener') this.stats(err.plugin).lastError = lastErrorOf(err, this.clock.now());
    this.emit('error', err);
    try {
      this.onError(err);
    } catch (e) {
      this.log.error('onError handler threw', { error: e });
    }
  }

  /** Reports drops once per burst (the counters are kept by the caller). */
  dropped(plugin: string, count: number, reason: DropReason): void {
    let d = this.drops.get(plugin);
    if (!d) {
      d = new DropReporter(this.clock, (n, why, first) => {
        if (first)
          this.log.warn(`${plugin}: dropped ${n} item(s) (${why}); further drops in this burst are summed`);
        this.emit('dropped', { plugin, count: n, reason: why });
      });
      this.drops.set(plugin, d);
    }
    d.add(count, reason);
  }

  /** Reports pending drop bursts now (at stop). */
  flushDrops(): void {
    for (const d of this.drops.values()) d.flush();
  }

  /** Emits without letting a listener's throw escape; the throw is reported as an error instead. */
  emit<K extends keyof PipelineEvents>(event: K, ...args: PipelineEvents[K]): void {
    const listeners = this.emitter.listeners(event) as ((...a: unknown[]) => void)[];
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        if (event === 'error') this.log.error('an error listener threw', { error: err });
        else this.report(listenerError(err, event));
      }
    }
  }

  private warnOncePerCode(): (err: PluginError) => void {
    const seen = new Set<string>();
    return (err) => {
      const key = `${err.plugin}:${err.code}`;
      if (seen.has(key)) return;
      seen.add(key);
      this.log.warn(
        `${err.message} (further ${err.code} errors from ${err.plugin} are not logged; listen to 'error' events to see all)`,
      );
    };
  }
}

function listenerError(err: unknown, event: string): PluginError {
  const message = err instanceof Error ? err.message : String(err);
  const e = new Error(`a '${event}' listener threw: ${message}`, { cause: err });
  return Object.assign(e, {
    name: 'PluginError',
    code: 'ERR_PLUGIN_FAILED',
    plugin: 'listener',
    hook: 'listener',
    retryable: false,
  }) as unknown as PluginError;
}
