import { type Logger, PluginError } from '@argus/core';

type Listener = (x: never) => void;

/**
 * The alert manager's event listeners. Listeners run inside the manager's timers (a group flush, a delivery), so
 * one that throws must not escape: it would crash the host and skip the group's next flush. Every call is guarded
 * (as core's Telemetry guards pipeline events); a throw is counted and reported as a `PluginError` naming the event
 * and the listener, and the other listeners still run.
 */
export class Listeners<Events extends { [K in keyof Events]: (x: never) => void }> {
  private readonly byEvent = new Map<keyof Events, Set<Listener>>();
  private thrown = 0;

  constructor(
    private readonly owner: string,
    private readonly log: Logger,
    private readonly onError: ((err: PluginError) => void) | undefined,
  ) {}

  on<E extends keyof Events>(event: E, fn: Events[E]): void {
    let set = this.byEvent.get(event);
    if (!set) this.byEvent.set(event, (set = new Set()));
    set.add(fn as Listener);
  }

  off<E extends keyof Events>(event: E, fn: Events[E]): void {
    this.byEvent.get(event)?.delete(fn as Listener);
  }

  /** Whether anything listens to `event` (so the caller can skip building the value). */
  has(event: keyof Events): boolean {
    return (this.byEvent.get(event)?.size ?? 0) > 0;
  }

  /** Listener calls that threw since the start. */
  get errors(): number {
    return this.thrown;
  }

  emit<E extends keyof Events>(event: E, value: Parameters<Events[E]>[0]): void {
    const set = this.byEvent.get(event);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as (v: unknown) => void)(value);
      } catch (err) {
        this.thrown++;
        this.report(listenerError(this.owner, String(event), fn, err));
      }
    }
  }

  private report(err: PluginError): void {
    if (!this.onError) {
      this.log.warn(err.message, { error: err.cause });
      return;
    }
    try {
      this.onError(err);
    } catch (e) {
      this.log.error(`${this.owner}: the onError handler threw`, { error: e, reported: err.message });
    }
  }
}

function listenerError(owner: string, event: string, fn: Listener, err: unknown): PluginError {
  const name = fn.name ? `listener ${fn.name}` : 'an anonymous listener';
  const message = err instanceof Error ? err.message : String(err);
  return new PluginError(
    'ERR_PLUGIN_FAILED',
    owner,
    'listener',
    `${name} of '${event}' threw: ${message} (caught; the alert manager goes on)`,
    { cause: err },
  );
}
