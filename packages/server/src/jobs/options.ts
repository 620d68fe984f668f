import { z } from 'zod';

/** Limits of the historical analysis jobs (`/api/analysis/jobs`). */
export interface JobsOptions {
  /** Jobs that may run at once; one more is answered 429 until one ends. @default 2 */
  maxRunning?: number;
  /** Finished jobs (and their results) kept; past it, the oldest finished one is dropped. @default 50 */
  maxKept?: number;
  /** How long a finished job's result is kept, in ms. @default 3600000 (1 h) */
  resultTtlMs?: number;
  /** Most samples one job may copy out of the store; a larger range fails the job with a clear error. @default 5000000 */
  maxSamples?: number;
}

/** {@link JobsOptions} with every default applied. */
export type ResolvedJobsOptions = Required<JobsOptions>;

/** Runtime check of {@link JobsOptions}. */
export const jobsOptionsSchema: z.ZodType<ResolvedJobsOptions, JobsOptions> = z
  .object({
    maxRunning: z.number().int().positive().default(2).describe('Jobs that may run at once.'),
    maxKept: z.number().int().positive().default(50).describe('Finished jobs kept with their results.'),
    resultTtlMs: z
      .number()
      .int()
      .positive()
      .default(3_600_000)
      .describe('How long a finished job is kept, in ms.'),
    maxSamples: z
      .number()
      .int()
      .positive()
      .default(5_000_000)
      .describe('Most samples one job may copy out of the store.'),
  })
  .strict();
