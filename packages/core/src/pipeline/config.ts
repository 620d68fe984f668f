import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { PluginError as PluginErrorType } from '../errors.js';
import { ArgusError, PluginError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseOptions } from '../options.js';
import {
  type Alerter,
  API_VERSION,
  type Detector,
  type Plugin,
  type PluginKind,
  type Processor,
  type Sink,
  type Source,
} from '../plugin.js';
import type { StateStore } from '../state/store.js';

/** What the runtime does when a plugin's `start` fails: fail the pipeline, retry in the background, or run without it. */
export type StartErrorPolicy = 'fail' | 'retry' | 'ignore';

/** What a sink's buffer does when full. `block` holds the producers (sources) until there is room. */
export type WhenFull = 'block' | 'dropNewest' | 'dropOldest';

/** Common runtime settings for any plugin entry. */
export interface EntryBase<P> {
  use: P;
  /** @default 'fail' */
  onStartError?: StartErrorPolicy;
}

/** A source entry: the plugin plus its schedule. */
export interface SourceEntry extends EntryBase<Source> {
  /** Poll interval. @default source.defaultIntervalMs ?? 15000 */
  intervalMs?: number;
  /** Random delay added to each tick, spreading polls of many sources. @default 0 */
  jitterMs?: number;
  /** Deadline of one poll. @default min(intervalMs, 10000) */
  timeoutMs?: number;
}

/** A sink entry: the plugin plus its buffer. */
export interface SinkEntry extends EntryBase<Sink> {
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

/** A detector entry: for asynchronous `judge`, its concurrency and deadline. */
export interface DetectorEntry extends EntryBase<Detector> {
  /** Concurrent `judge` calls. @default 1 */
  concurrency?: number;
  /** Deadline of one `judge` call. @default 30000 */
  timeoutMs?: number;
  /** Findings waiting to be judged; past it the oldest are skipped (counted). @default 1000 */
  maxQueue?: number;
}

/** Options of {@link createPipeline}. Arrays are in data-flow order; plugins may be given bare or as entries. */
export interface PipelineOptions {
  sources?: readonly (Source | SourceEntry)[];
  processors?: readonly (Processor | EntryBase<Processor>)[];
  detectors?: readonly (Detector | DetectorEntry)[];
  alerters?: readonly (Alerter | EntryBase<Alerter>)[];
  sinks?: readonly (Sink | SinkEntry)[];
  /** Receives every plugin error (they are also emitted as `error` events). @default warn once per plugin and code */
  onError?: (err: PluginErrorType) => void;
  clock?: Clock;
  logger?: Logger;
  /** Durable state for detectors/alerters. @default in memory; use `openStateStore()` for `.argus/state` */
  state?: StateStore;
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

const positiveInt = z.number().int().positive();
/** Pipeline-wide settings after defaults. */
export interface ResolvedSettings {
  maxSeries: number;
  maxHeapBytes?: number | undefined;
  chunkSize: number;
  evaluateIntervalMs: number;
  snapshotIntervalMs: number;
}

const optionsSchema: z.ZodType<ResolvedSettings> = z.object({
  maxSeries: positiveInt.default(1_000_000),
  maxHeapBytes: positiveInt.optional(),
  chunkSize: positiveInt.default(8192),
  evaluateIntervalMs: positiveInt.default(1000),
  snapshotIntervalMs: positiveInt.default(60_000),
});

/** A normalised entry. */
export interface Resolved<P extends Plugin> {
  plugin: P;
  onStartError: StartErrorPolicy;
  intervalMs: number;
  jitterMs: number;
  timeoutMs: number;
  maxBatches: number;
  whenFull: WhenFull;
  maxRetries: number;
  concurrency: number;
  maxQueue: number;
}

const NAME = /^[A-Za-z0-9_.:/-]{1,100}$/;

/** Validates plugins and entries, applying defaults; throws errors naming the offending plugin. */
export function resolveEntries<P extends Plugin>(
  kind: PluginKind,
  list: readonly (P | EntryBase<P>)[] | undefined,
  seen: Set<string>,
): Resolved<P>[] {
  return (list ?? []).map((item, index) => {
    const entry = (isEntry(item) ? item : { use: item }) as EntryBase<P> &
      SourceEntry &
      SinkEntry &
      DetectorEntry;
    const plugin = entry.use as P;
    checkPlugin(plugin, kind, index);
    if (seen.has(plugin.name)) {
      throw new ArgusError(
        'ERR_PIPELINE_CONFIG',
        `two plugins are named "${plugin.name}"; names must be unique in a pipeline (give one a different name option)`,
      );
    }
    seen.add(plugin.name);
    const settings = parseOptions(entrySchema, { ...entry, use: undefined }, plugin.name);
    const intervalMs = settings.intervalMs ?? (plugin as unknown as Source).defaultIntervalMs ?? 15_000;
    const accepts = kind === 'sink' ? (plugin as unknown as Sink).accepts : [];
    const precious = accepts.includes('alerts') || accepts.includes('findings');
    return {
      plugin,
      onStartError: settings.onStartError,
      intervalMs,
      jitterMs: settings.jitterMs,
      timeoutMs:
        settings.timeoutMs ??
        (kind === 'source' ? Math.min(intervalMs, 10_000) : kind === 'detector' ? 30_000 : 10_000),
      maxBatches: bufferBatches(settings.buffer, plugin.name),
      whenFull: settings.buffer?.whenFull ?? (precious ? 'block' : 'dropOldest'),
      maxRetries: settings.maxRetries,
      concurrency: settings.concurrency,
      maxQueue: settings.maxQueue,
    };
  });
}

let warnedMaxItems = false;

/** `buffer.maxBatches`, or its deprecated alias `maxItems` (warned about once per process). */
function bufferBatches(
  buffer: { maxBatches?: number; maxItems?: number } | undefined,
  plugin: string,
): number {
  if (buffer?.maxItems === undefined) return buffer?.maxBatches ?? 1000;
  if (buffer.maxBatches !== undefined && buffer.maxBatches !== buffer.maxItems)
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `sink "${plugin}": buffer.maxItems (${buffer.maxItems}) and buffer.maxBatches (${buffer.maxBatches}) disagree; keep only maxBatches`,
    );
  if (!warnedMaxItems) {
    warnedMaxItems = true;
    process.emitWarning(
      `sink "${plugin}": buffer.maxItems is deprecated: it counts batches, not items; rename it buffer.maxBatches (maxItems goes in 2.0)`,
      { type: 'DeprecationWarning', code: 'ARGUS_BUFFER_MAX_ITEMS' },
    );
  }
  return buffer.maxItems;
}

const entrySchema = z.object({
  onStartError: z.enum(['fail', 'retry', 'ignore']).default('fail'),
  intervalMs: positiveInt.optional(),
  jitterMs: z.number().int().nonnegative().default(0),
  timeoutMs: positiveInt.optional(),
  buffer: z
    .object({
      maxBatches: positiveInt.optional(),
      maxItems: positiveInt.optional(),
      whenFull: z.enum(['block', 'dropNewest', 'dropOldest']).optional(),
    })
    .optional(),
  maxRetries: z.number().int().nonnegative().default(5),
  concurrency: positiveInt.default(1),
  maxQueue: positiveInt.default(1000),
});

function isEntry(x: unknown): x is EntryBase<Plugin> {
  return typeof x === 'object' && x !== null && 'use' in x && !('kind' in x);
}

/** Checks the shape every plugin must have, recognising plugins by `kind` and `apiVersion`, never by class. */
export function checkPlugin(plugin: unknown, kind: PluginKind, index: number): asserts plugin is Plugin {
  const where = `${kind}s[${index}]`;
  if (typeof plugin !== 'object' || plugin === null) {
    throw new ArgusError(
      'ERR_PLUGIN_INVALID',
      `${where} is ${plugin === null ? 'null' : typeof plugin}, expected a ${kind} plugin object (call the plugin's factory)`,
    );
  }
  const p = plugin as Partial<Plugin>;
  const name = typeof p.name === 'string' ? p.name : '';
  if (!NAME.test(name)) {
    throw new ArgusError(
      'ERR_PLUGIN_INVALID',
      `${where} has ${name ? `an invalid name ${JSON.stringify(name)}` : 'no name'}; a plugin needs a name of letters, digits and - _ . / :`,
    );
  }
  if (p.kind !== kind) {
    throw new PluginError(
      'ERR_PLUGIN_INVALID',
      name,
      'create',
      `is a ${String(p.kind)} plugin but was listed under ${kind}s`,
    );
  }
  if (p.apiVersion !== API_VERSION) {
    throw new PluginError(
      'ERR_PLUGIN_API_VERSION',
      name,
      'create',
      `declares apiVersion ${String(p.apiVersion)}, but this @argus/core implements apiVersion ${API_VERSION}; upgrade the plugin or core so they match`,
    );
  }
  const missing = requiredHook(p as Plugin);
  if (missing) throw new PluginError('ERR_PLUGIN_INVALID', name, 'create', missing);
}

function requiredHook(p: Plugin): string | undefined {
  switch (p.kind) {
    case 'source':
      return p.poll || p.listen || p.readRange
        ? undefined
        : 'a source needs at least one of poll(), listen() or readRange()';
    case 'processor':
      return typeof p.process === 'function' ? undefined : 'a processor needs process()';
    case 'detector':
      return p.detect || p.judge || p.tick ? undefined : 'a detector needs detect(), tick() and/or judge()';
    case 'alerter':
      return typeof p.evaluate === 'function' ? undefined : 'an alerter needs evaluate()';
    case 'sink':
      if (typeof p.write !== 'function') return 'a sink needs write()';
      return Array.isArray(p.accepts) && p.accepts.length > 0
        ? undefined
        : 'a sink needs accepts: a non-empty list of metrics/logs/findings/alerts';
  }
}

/** Validates the pipeline-wide numeric settings. */
export function resolveSettings(options: PipelineOptions): ResolvedSettings {
  return parseOptions(
    optionsSchema,
    {
      maxSeries: options.maxSeries,
      maxHeapBytes: options.maxHeapBytes,
      chunkSize: options.chunkSize,
      evaluateIntervalMs: options.evaluateIntervalMs,
      snapshotIntervalMs: options.snapshotIntervalMs,
    },
    'pipeline',
  );
}
