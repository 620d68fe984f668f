import { type Logger, silentLogger, systemClock } from '@argus/core';
import type { Store } from '@argus/store';
import { JobManager, type JobView } from '../src/jobs/manager.js';
import { jobsOptionsSchema } from '../src/jobs/options.js';

/**
 * A job manager over `store` (system clock, silent log), and a promise that resolves at the first change `when`
 * accepts (a worker running, progress reported): the point at which a test cancels.
 */
export function managerUntil(
  store: Store | undefined,
  when: (v: JobView) => boolean,
  options: object = {},
  log: Logger = silentLogger,
): { manager: JobManager; reached: Promise<void>; seen: JobView[] } {
  const seen: JobView[] = [];
  let reach: (() => void) | undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const manager = new JobManager({
    store: () => store,
    clock: systemClock,
    log,
    options: jobsOptionsSchema.parse(options),
    onChange: (v) => {
      seen.push(v);
      if (when(v)) reach?.();
    },
  });
  return { manager, reached, seen };
}
