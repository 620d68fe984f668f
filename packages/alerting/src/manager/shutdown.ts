import type { Clock, Logger } from '@argus/core';
import type { CompiledConfig } from './config.js';
import { stopDeadline } from './deadline.js';
import type { Persist } from './persist.js';
import type { AlertManagerStopOptions } from './types.js';

/** How long `stop()` waits for pending state writes by default. */
const STOP_TIMEOUT_MS = 5_000;

/** What a stopping manager hands over: its start, its clock and what it must stop, flush and close. */
export interface ShutdownInput {
  readonly started: Promise<void>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly config: CompiledConfig;
  /** Read after the start settles: a durable start sets it. */
  readonly persist: () => Persist | undefined;
  /** Stops timers and delivery at once. */
  readonly stopParts: () => void;
}

/** Stops timers and delivery at once, then waits for state writes and notifier closes until the deadline. */
export async function shutdown(i: ShutdownInput, options: AlertManagerStopOptions): Promise<void> {
  // a start still loading (a state store that never answers) must not hold stop past its deadline either
  const deadline = stopDeadline(i.clock, options, STOP_TIMEOUT_MS);
  try {
    // a start that failed left nothing running: stopping goes on without it
    const settled = i.started.then(
      () => true,
      () => true,
    );
    if (!(await deadline.race(settled))) {
      // the start finishes later: its timers must not outlive the stop
      void i.started.then(
        () => i.stopParts(),
        () => {},
      );
      return;
    }
    i.stopParts();
    const persist = i.persist();
    const flushed = persist ? persist.flushed().then(() => true) : Promise.resolve(true);
    if (!(await deadline.race(flushed)))
      i.log.warn(
        'alert manager: the stop deadline passed with state writes still pending; changes not yet written are lost if the process exits now',
      );
    if (!(await deadline.race(closeNotifiers(i).then(() => true))))
      i.log.warn(
        'alert manager: the stop deadline passed while notifiers were still closing their connections',
      );
  } finally {
    deadline.clear();
  }
}

/** Each notifier's `close()`, once; one that fails is logged and does not keep the others open. */
async function closeNotifiers(i: ShutdownInput): Promise<void> {
  const all = [...i.config.receivers.values()].flatMap((r) => r.notifiers ?? []);
  await Promise.all(
    all.map(async (n) => {
      try {
        await n.close?.();
      } catch (err) {
        const name = n.name ?? n.type ?? '?';
        i.log.warn(`alert manager: notifier ${name} failed to close: ${(err as Error).message}`);
      }
    }),
  );
}
