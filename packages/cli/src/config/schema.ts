import { z } from 'zod';

/** A plugin given in code (TS/JS configs): recognised by `kind` and `apiVersion`, never by class. */
const pluginObject = z.custom<{ kind: string; name: string }>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string',
  'expected a builtin name, "<package>#<export>", or a plugin object',
);

const positiveInt = z.number().int().positive();

const entry = z
  .object({
    use: z.union([z.string().min(1), pluginObject]),
    options: z.record(z.string(), z.unknown()).optional(),
    onStartError: z.enum(['fail', 'retry', 'ignore']).optional(),
    intervalMs: positiveInt.optional(),
    jitterMs: z.number().int().nonnegative().optional(),
    timeoutMs: positiveInt.optional(),
    buffer: z
      .object({
        maxBatches: positiveInt.optional(),
        /** @deprecated alias of maxBatches, removed in 2.0 */
        maxItems: positiveInt.optional(),
        whenFull: z.enum(['block', 'dropNewest', 'dropOldest']).optional(),
      })
      .strict()
      .optional(),
    maxRetries: z.number().int().nonnegative().optional(),
    concurrency: positiveInt.optional(),
    maxQueue: positiveInt.optional(),
  })
  .strict();

/** One entry of a config list. */
export interface ConfigEntry {
  use: string | { kind: string; name: string };
  options?: Record<string, unknown> | undefined;
  onStartError?: 'fail' | 'retry' | 'ignore' | undefined;
  intervalMs?: number | undefined;
  jitterMs?: number | undefined;
  timeoutMs?: number | undefined;
  buffer?:
    | {
        maxBatches?: number | undefined;
        /** @deprecated alias of maxBatches, removed in 2.0 */
        maxItems?: number | undefined;
        whenFull?: 'block' | 'dropNewest' | 'dropOldest' | undefined;
      }
    | undefined;
  maxRetries?: number | undefined;
  concurrency?: number | undefined;
  maxQueue?: number | undefined;
}

const configSchema = z
  .object({
    sources: z.array(entry).min(1, 'at least one source is needed'),
    processors: z.array(entry).default([]),
    detectors: z.array(entry).default([]),
    alerters: z.array(entry).default([]),
    sinks: z.array(entry).default([]),
    pipeline: z
      .object({
        maxSeries: positiveInt.optional(),
        maxHeapBytes: positiveInt.optional(),
        chunkSize: positiveInt.optional(),
        evaluateIntervalMs: positiveInt.optional(),
        snapshotIntervalMs: positiveInt.optional(),
        stopTimeoutMs: positiveInt.optional(),
        dataDir: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Where learned state lives (`<dataDir>/state`), relative to the working directory; default .argus',
          ),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A validated config. */
export interface Config {
  sources: ConfigEntry[];
  processors: ConfigEntry[];
  detectors: ConfigEntry[];
  alerters: ConfigEntry[];
  sinks: ConfigEntry[];
  pipeline?:
    | {
        maxSeries?: number | undefined;
        maxHeapBytes?: number | undefined;
        chunkSize?: number | undefined;
        dataDir?: string | undefined;
        evaluateIntervalMs?: number | undefined;
        snapshotIntervalMs?: number | undefined;
        stopTimeoutMs?: number | undefined;
      }
    | undefined;
}

/** One problem in a config: the field path and what is wrong. */
export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/** Validates the config file's shape (YAML or the default export of a TS/JS config). */
export function parseConfig(data: unknown): { config: Config } | { issues: ConfigIssue[] } {
  const r = configSchema.safeParse(data);
  if (r.success) return { config: r.data as Config };
  return {
    issues: r.error.issues.flatMap((i): ConfigIssue[] => {
      const path = i.path.filter((k): k is string | number => typeof k !== 'symbol');
      if (i.code === 'unrecognized_keys')
        return i.keys.map((k) => ({
          path: [...path, k],
          message: `unknown field (allowed: ${allowed(path)})`,
        }));
      return [{ path, message: i.message.replace(/^Invalid input: /, '') }];
    }),
  };
}

function allowed(path: (string | number)[]): string {
  const shape =
    path.length === 0
      ? configSchema.shape
      : path.at(-1) === 'pipeline'
        ? configSchema.shape.pipeline.unwrap().shape
        : path.at(-1) === 'buffer'
          ? entry.shape.buffer.unwrap().shape
          : entry.shape;
  return Object.keys(shape).join(', ');
}

/** The lists of a config, in data-flow order. */
export const LISTS = ['sources', 'processors', 'detectors', 'alerters', 'sinks'] as const;
/** A list name. */
export type ListName = (typeof LISTS)[number];
