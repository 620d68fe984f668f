import { z } from 'zod';
import type { PluginKind } from './plugin.js';

// The one place where a pipeline entry's runtime settings and the pipeline-wide settings are declared.
// createPipeline validates with these schemas, and @argus/cli builds its config file schema from the shapes.

/** What the runtime does when a plugin's `start` fails: fail the pipeline, retry in the background, or run without it. */
export type StartErrorPolicy = 'fail' | 'retry' | 'ignore';

/** What a sink's buffer does when full. `block` holds the producers (sources) until there is room. */
export type WhenFull = 'block' | 'dropNewest' | 'dropOldest';

/** Runtime settings of any entry (processors and alerters have only these). */
export interface ProcessorSettings {
  /** @default 'fail' */
  onStartError?: StartErrorPolicy;
}

/** Runtime settings of a source entry: its schedule. */
export interface SourceSettings extends ProcessorSettings {
  /** Poll interval. @default source.defaultIntervalMs ?? 15000 */
  intervalMs?: number;
  /** Random delay added to each tick, spreading polls of many sources. @default 0 */
  jitterMs?: number;
  /** Deadline of one poll. @default min(intervalMs, 10000) */
  timeoutMs?: number;
}

/** Runtime settings of a sink entry: its buffer, write deadline and retries. */
export interface SinkSettings extends ProcessorSettings {
  buffer?: {
    /** Batches (not items) held before `whenFull` applies. @default 1000 */
    maxBatches?: number;
    /** @deprecated Use `maxBatches`: the buffer counts batches, not items. Still read (with one warning); removed in 2.0. */
    maxItems?: number;
    /** @default 'block' for sinks accepting alerts or findings, 'dropOldest' otherwise */
    whenFull?: WhenFull;
  };
  /** Deadline of one write. @default 10000 */
  timeoutMs?: number;
  /** Retries of a retryable failure, with exponential backoff, before the batch is dropped. @default 5 */
  maxRetries?: number;
}

/** Runtime settings of a detector entry: for asynchronous `judge`, its concurrency and deadline. */
export interface DetectorSettings extends ProcessorSettings {
  /** Concurrent `judge` calls. @default 1 */
  concurrency?: number;
  /** Deadline of one `judge` call. @default 30000 */
  timeoutMs?: number;
  /** Findings waiting to be judged; past it the oldest are skipped (counted). @default 1000 */
  maxQueue?: number;
}

/** Pipeline-wide settings of `createPipeline` (and of a config file's `pipeline:` block). */
export interface PipelineSettings {
  /** Cap on active series; new series past it are refused (their samples dropped and counted). @default 1_000_000 */
  maxSeries?: number;
  /** Heap cap: above it no new series are accepted until usage drops. @default none */
  maxHeapBytes?: number;
  /** Samples processed before yielding to the event loop. @default 8192 */
  chunkSize?: number;
  /** Interval of the timer that runs detectors' `tick` and alerters without data. @default 1000 */
  evaluateIntervalMs?: number;
  /** Interval of detector/alerter state snapshots to the state store (also at stop). @default 60000 */
  snapshotIntervalMs?: number;
}

/** A zod object shape: the fields of a schema, for composing a larger one (as the CLI's config file does). */
export type Shape = Readonly<Record<string, z.ZodType>>;

const positiveInt = z.number().int().positive();
const common = { onStartError: z.enum(['fail', 'retry', 'ignore']).optional() };

/** The fields of each kind's entry settings. */
export const entryShapes: Readonly<Record<PluginKind, Shape>> = {
  source: {
    ...common,
    intervalMs: positiveInt.optional(),
    jitterMs: z.number().int().nonnegative().optional(),
    timeoutMs: positiveInt.optional(),
  },
  processor: common,
  detector: {
    ...common,
    concurrency: positiveInt.optional(),
    timeoutMs: positiveInt.optional(),
    maxQueue: positiveInt.optional(),
  },
  alerter: common,
  sink: {
    ...common,
    buffer: z
      .strictObject({
        maxBatches: positiveInt.optional(),
        /** @deprecated alias of maxBatches, removed in 2.0 */
        maxItems: positiveInt.optional(),
        whenFull: z.enum(['block', 'dropNewest', 'dropOldest']).optional(),
      })
      .optional(),
    timeoutMs: positiveInt.optional(),
    maxRetries: z.number().int().nonnegative().optional(),
  },
};

type AnySettings = SourceSettings & SinkSettings & DetectorSettings;

/** Each kind's entry settings schema. Strict: a field of another kind (`intervalMs` on a sink) is an error. */
export const entrySchemas: Readonly<Record<PluginKind, z.ZodType<AnySettings>>> = {
  source: z.strictObject(entryShapes.source),
  processor: z.strictObject(entryShapes.processor),
  detector: z.strictObject(entryShapes.detector),
  alerter: z.strictObject(entryShapes.alerter),
  sink: z.strictObject(entryShapes.sink),
};

/** The fields of {@link pipelineSettingsSchema}. */
export const pipelineSettingsShape: Shape = {
  maxSeries: positiveInt.optional(),
  maxHeapBytes: positiveInt.optional(),
  chunkSize: positiveInt.optional(),
  evaluateIntervalMs: positiveInt.optional(),
  snapshotIntervalMs: positiveInt.optional(),
};

/** Pipeline-wide settings schema (strict). Defaults are applied by `createPipeline`. */
export const pipelineSettingsSchema: z.ZodType<PipelineSettings> = z.strictObject(pipelineSettingsShape);
