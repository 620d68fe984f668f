import type { Clock } from '../clock.js';
import {
  type DetectorSettings,
  entrySchemas,
  type PipelineSettings,
  type ProcessorSettings,
  pipelineSettingsSchema,
  pipelineSettingsShape,
  type SinkSettings,
  type SourceSettings,
  type StartErrorPolicy,
  type WhenFull,
} from '../config-schema.js';
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

export type { StartErrorPolicy, WhenFull } from '../config-schema.js';

/** Common runtime settings for any plugin entry. */
export interface EntryBase<P> extends ProcessorSettings {
  use: P;
}

/** A source entry: the plugin plus its schedule (fields: {@link sourceEntrySchema}). */
export type SourceEntry = { use: Source } & SourceSettings;

/** A sink entry: the plugin plus its buffer (fields: {@link sinkEntrySchema}). */
export type SinkEntry = { use: Sink } & SinkSettings;

/** A detector entry: for asynchronous `judge`, its concurrency and deadline (fields: {@link detectorEntrySchema}). */
export type DetectorEntry = { use: Detector } & DetectorSettings;

/** Options of {@link createPipeline}. Arrays are in data-flow order; plugins may be given bare or as entries. */
export interface PipelineOptions extends PipelineSettings {
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
}

/** Pipeline-wide settings after defaults. */
export interface ResolvedSettings {
  maxSeries: number;
  maxHeapBytes?: number | undefined;
  chunkSize: number;
  evaluateIntervalMs: number;
  snapshotIntervalMs: number;
}

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
    const entry: EntryBase<P> = isEntry(item) ? (item as EntryBase<P>) : { use: item as P };
    const plugin = entry.use as P;
    checkPlugin(plugin, kind, index);
    if (seen.has(plugin.name)) {
      throw new ArgusError(
        'ERR_PIPELINE_CONFIG',
        `two plugins are named "${plugin.name}"; names must be unique in a pipeline (give one a different name option)`,
      );
    }
    seen.add(plugin.name);
    const { use: _use, ...fields } = entry;
    const settings = parseOptions(entrySchemas[kind], fields, plugin.name);
    const intervalMs = settings.intervalMs ?? (plugin as unknown as Source).defaultIntervalMs ?? 15_000;
    const accepts = kind === 'sink' ? (plugin as unknown as Sink).accepts : [];
    const precious = accepts.includes('alerts') || accepts.includes('findings');
    return {
      plugin,
      onStartError: settings.onStartError ?? 'fail',
      intervalMs,
      jitterMs: settings.jitterMs ?? 0,
      timeoutMs:
        settings.timeoutMs ??
        (kind === 'source' ? Math.min(intervalMs, 10_000) : kind === 'detector' ? 30_000 : 10_000),
      maxBatches: bufferBatches(settings.buffer, plugin.name),
      whenFull: settings.buffer?.whenFull ?? (precious ? 'block' : 'dropOldest'),
      maxRetries: settings.maxRetries ?? 5,
      concurrency: settings.concurrency ?? 1,
      maxQueue: settings.maxQueue ?? 1000,
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

const SETTINGS = Object.keys(pipelineSettingsShape) as (keyof PipelineSettings)[];

/** Validates the pipeline-wide settings (the fields of {@link pipelineSettingsSchema}) and applies defaults. */
export function resolveSettings(options: PipelineOptions): ResolvedSettings {
  const given = Object.fromEntries(SETTINGS.map((k) => [k, options[k]]).filter(([, v]) => v !== undefined));
  const s = parseOptions(pipelineSettingsSchema, given, 'pipeline');
  return {
    maxSeries: s.maxSeries ?? 1_000_000,
    maxHeapBytes: s.maxHeapBytes,
    chunkSize: s.chunkSize ?? 8192,
    evaluateIntervalMs: s.evaluateIntervalMs ?? 1000,
    snapshotIntervalMs: s.snapshotIntervalMs ?? 60_000,
  };
}
