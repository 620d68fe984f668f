import {
  checkOptions,
  type DetectorSettings,
  entryShapes,
  type PipelineSettings,
  type PluginKind,
  type ProcessorSettings,
  pipelineSettingsShape,
  type SinkSettings,
  type SourceSettings,
} from '@argus/core';
import { z } from 'zod';
import { type ServerSettings, serverSettingsSchema } from './server-schema.js';
import { type ShardSettings, shardSettingsSchema } from './shard.js';
import { type StateSettings, stateSettingsSchema } from './state-settings.js';

// The config file's shape is core's entry and pipeline settings plus what only a file needs (`use`, `options`,
// `stopTimeoutMs`, `dataDir`): one declaration of each field, in core.

/** The lists of a config, in data-flow order. */
export const LISTS = ['sources', 'processors', 'detectors', 'alerters', 'sinks'] as const;
/** A list name. */
export type ListName = (typeof LISTS)[number];

/** The plugin kind each list holds. */
export const KIND: Readonly<Record<ListName, PluginKind>> = {
  sources: 'source',
  processors: 'processor',
  detectors: 'detector',
  alerters: 'alerter',
  sinks: 'sink',
};

/** A plugin given in code (TS/JS configs): recognised by `kind` and `apiVersion`, never by class. */
const pluginObject = z.custom<{ kind: string; name: string }>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string',
);

const use = z.union([z.string().min(1), pluginObject], {
  error:
    'expected a builtin name, "<package>#<export>", a relative path "./file.js#export", or a plugin object',
});
const options = z.record(z.string(), z.unknown(), { error: "expected an object of the plugin's options" });

const entrySchemas: Record<ListName, z.ZodType> = Object.fromEntries(
  LISTS.map((l) => [l, z.strictObject({ use, options: options.optional(), ...entryShapes[KIND[l]] })]),
) as Record<string, z.ZodType>;

/** The file-only fields of one entry, beside the settings of its kind. */
interface FileFields {
  /** A builtin name, `"<package>#<export>"`, a relative path, or (TS/JS configs) a plugin object. */
  use: string | { kind: string; name: string };
  /** Passed to the plugin's factory; validated by the plugin's own schema. */
  options?: Record<string, unknown> | undefined;
}

/** One entry of a config list (the settings of every kind; the schema allows only those of its list). */
export type ConfigEntry = FileFields & SourceSettings & SinkSettings & DetectorSettings & ProcessorSettings;

/** The `pipeline:` block: core's pipeline settings plus the CLI's own. */
export interface FilePipelineSettings extends PipelineSettings {
  /** Deadline of the graceful stop on Ctrl-C/SIGTERM. @default 10000 */
  stopTimeoutMs?: number | undefined;
  /** Where learned state lives (`<dataDir>/state`), relative to the working directory. @default '.argus' */
  dataDir?: string | undefined;
  /** Keep the state in Redis instead of `<dataDir>/state`. */
  state?: StateSettings | undefined;
}

/** The `rules:` block: Prometheus rule files, run in process over a store of what the pipeline reads. */
export interface RuleFilesSettings {
  /** Rule files, relative to the config's folder. */
  files: string[];
  /**
   * Evaluate the rules on this Prometheus server instead (needs @argus/source-prometheus installed); recording
   * rules are then skipped.
   */
  prometheus?: string | undefined;
  /** How long the in-process store keeps what the pipeline reads, for the rules' range selectors, in ms. @default 86400000 */
  retentionMs?: number | undefined;
}

const rulesSchema = z.strictObject({
  files: z.array(z.string().min(1)).min(1, 'name at least one rule file'),
  prometheus: z.url().optional(),
  retentionMs: z.number().int().positive().optional(),
});

/**
 * The `slos:` block: SLO files inline (the shape `argus slo generate` reads: service, window, interval, slos) or
 * their paths relative to the config's folder. Their generated recording rules and burn-rate alerts run in
 * process like the rule files of `rules:`, and reload with the config.
 */
export type SloSettings = (string | Record<string, unknown>)[];

const slosSchema = z
  .array(z.union([z.string().min(1), z.record(z.string(), z.unknown())]), {
    error: 'a list of SLO files: each inline (service, slos, …) or the path of one',
  })
  .min(1, 'name at least one SLO file or write one inline');

const configSchema = z.strictObject({
  sources: z.array(z.unknown()).min(1, 'at least one source is needed'),
  processors: z.array(z.unknown()).optional(),
  detectors: z.array(z.unknown()).optional(),
  alerters: z.array(z.unknown()).optional(),
  sinks: z.array(z.unknown()).optional(),
  rules: rulesSchema.optional(),
  slos: slosSchema.optional(),
  server: serverSettingsSchema.nullable().optional(),
  shard: shardSettingsSchema.nullable().optional(),
  pipeline: z
    .strictObject({
      ...pipelineSettingsShape,
      stopTimeoutMs: z.number().int().positive().optional(),
      dataDir: z.string().min(1).optional(),
      state: stateSettingsSchema.optional(),
    })
    .optional(),
});

/** A config, with every entry that could be read (entries with problems are kept when their `use` is usable). */
export interface Config {
  sources: ConfigEntry[];
  processors: ConfigEntry[];
  detectors: ConfigEntry[];
  alerters: ConfigEntry[];
  sinks: ConfigEntry[];
  rules?: RuleFilesSettings | undefined;
  /** SLO files (inline or paths) whose generated rules run in process. */
  slos?: SloSettings | undefined;
  /** Serve the API and web UI over the running pipeline (defaults applied). */
  server?: ServerSettings | undefined;
  /** This replica's share of the keys (`$shard` in options); resolved from HOSTNAME and ARGUS_SHARD_* when left out. */
  shard?: ShardSettings | undefined;
  pipeline?: FilePipelineSettings | undefined;
}

/** One problem in a config: the field path and what is wrong. */
export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Validates the config file's shape (YAML or the default export of a TS/JS config), collecting every problem.
 * `config` is there whenever the file is an object, so plugin options can be checked in the same pass even
 * when some entry settings are wrong.
 */
export function parseConfig(data: unknown): { config?: Config; issues: ConfigIssue[] } {
  const top = check(configSchema, data, []);
  const raw = (typeof data === 'object' && data !== null ? data : undefined) as
    | Record<string, unknown>
    | undefined;
  if (!raw) return { issues: top.issues };
  const issues = [...top.issues];
  const config: Config = { sources: [], processors: [], detectors: [], alerters: [], sinks: [] };
  for (const list of LISTS) {
    const items = raw[list];
    if (!Array.isArray(items)) continue;
    for (const [i, item] of items.entries()) {
      const r = check(entrySchemas[list], item, [list, i]);
      issues.push(...r.issues);
      const entry = r.issues.length === 0 ? (item as ConfigEntry) : salvage(item);
      if (entry) config[list].push(entry);
    }
  }
  if (top.issues.every((x) => x.path[0] !== 'pipeline'))
    config.pipeline = raw['pipeline'] as FilePipelineSettings;
  if (raw['rules'] !== undefined && top.issues.every((x) => x.path[0] !== 'rules'))
    config.rules = raw['rules'] as RuleFilesSettings;
  if (raw['slos'] !== undefined && top.issues.every((x) => x.path[0] !== 'slos'))
    config.slos = raw['slos'] as SloSettings;
  if (raw['shard'] !== undefined && top.issues.every((x) => x.path[0] !== 'shard'))
    config.shard = (raw['shard'] ?? {}) as ShardSettings;
  // `server: {}` (or `server:` with nothing under it) turns the server on with every default
  if (raw['server'] !== undefined && top.issues.every((x) => x.path[0] !== 'server'))
    config.server = serverSettingsSchema.parse(raw['server'] ?? {});
  return { config, issues };
}

function check(schema: z.ZodType, data: unknown, at: (string | number)[]): { issues: ConfigIssue[] } {
  const r = checkOptions(schema, data, 'config');
  if (!('issues' in r)) return { issues: [] };
  return {
    issues: r.issues
      .filter((i) => at.length > 0 || !isListItem(i.keys ?? []))
      .map((i) => ({ path: [...at, ...(i.keys ?? [])], message: i.message })),
  };
}

// the top-level schema only checks that lists are arrays; their items are checked one by one
function isListItem(keys: readonly (string | number)[]): boolean {
  return keys.length > 1 && (LISTS as readonly (string | number)[]).includes(keys[0]!);
}

// an entry whose settings are wrong still has its plugin's options checked, so every problem shows at once
function salvage(item: unknown): ConfigEntry | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { use: u, options: o } = item as Partial<FileFields>;
  if (!use.safeParse(u).success || !options.optional().safeParse(o).success) return undefined;
  return { use: u as FileFields['use'], options: o };
}
