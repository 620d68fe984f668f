// A batch run: the detectors (named, or those of the configuration in force) over a range of the stored history.
import { configuredDetectors, type DetectorEntry, JOB_DETECTORS, makeDetector } from './detectors.js';
import { rangeOf } from './times.js';

/** `POST /api/analysis/jobs` as received, for a batch run of detectors over a range of the store's history. */
export interface BatchBody {
  type: 'batch';
  detectors?: { use: DetectorEntry['use']; options?: Record<string, unknown> | undefined }[] | undefined;
  from: number | string;
  to: number | string;
  lookbackMs: number;
  match?: string | undefined;
  maxFindings: number;
}

/** What a batch run's worker is given: detectors by name and options, and the range in ms. */
export interface BatchSpec {
  readonly type: 'batch';
  readonly detectors: readonly DetectorEntry[];
  readonly from: number;
  readonly to: number;
  /** Replayed before `from` to warm the detectors up; findings there are not kept. */
  readonly lookbackMs: number;
  readonly maxFindings: number;
}

/**
 * The body as a {@link BatchSpec}, or a message naming the wrong field and the fix. Every detector is made once
 * here, so wrong options are the client's 400 now rather than a failed job later (factories do no I/O).
 */
export function toBatchSpec(b: BatchBody, config: unknown): BatchSpec | { field: string; message: string } {
  const r = rangeOf(b);
  if ('field' in r) return r;
  const { from, to } = r;
  let detectors: DetectorEntry[];
  if (b.detectors)
    detectors = b.detectors.map((d) => ({ use: d.use, ...(d.options ? { options: d.options } : {}) }));
  else {
    const found = configuredDetectors(config);
    if (found.entries.length === 0)
      return {
        field: 'body.detectors',
        message:
          `the configuration in force has no detector a job can run${found.skipped.length > 0 ? ` (not runnable here: ${found.skipped.join(', ')})` : ''}; ` +
          `name them, e.g. [{"use":"mad"}] (one of ${JOB_DETECTORS.join(', ')})`,
      };
    detectors = found.entries;
  }
  for (const [i, d] of detectors.entries()) {
    try {
      makeDetector(d);
    } catch (err) {
      return { field: `body.detectors[${i}].options`, message: (err as Error).message };
    }
  }
  return { type: 'batch', detectors, from, to, lookbackMs: b.lookbackMs, maxFindings: b.maxFindings };
}
