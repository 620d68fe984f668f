import type { RuleGroups } from '@argus/alerting';
import {
  type Alerter,
  API_VERSION,
  createPipeline,
  didYouMean,
  formatPath,
  type OptionIssue,
  type Pipeline,
  type PipelineOptions,
  type Plugin,
  type Sink,
  type Source,
  type StateStore,
} from '@argus/core';
import type { Io } from '../format.js';
import { ioLogger } from '../runtime.js';
import { builtins } from './builtins.js';
import { exportNames, importFrom, pickExport, splitSpecifier } from './resolve.js';
import { rulePlugins } from './rule-files.js';
import { type Config, type ConfigEntry, KIND, LISTS, type ListName } from './schema.js';
import { sloRuleFiles } from './slo-files.js';
import type { Position } from './yaml.js';

/** Where a config came from, for error messages. */
export interface ConfigOrigin {
  /** The file as the user named it. */
  file: string;
  /** Its folder: plugins are resolved from here. */
  dir: string;
  /** Source positions (YAML only). */
  locate?: (path: readonly (string | number)[]) => Position | undefined;
}

/** Formats one problem as `file:line:col path: message` (no position for TS/JS configs). */
export function problem(origin: ConfigOrigin, path: (string | number)[], message: string): string {
  const pos = origin.locate?.(path);
  const where = pos ? `${origin.file}:${pos.line}:${pos.col}` : origin.file;
  return `${where} ${formatPath(path)}: ${message}`;
}

/** Parses a formatted option path (`a.b[2].c`) back into keys. */
function parsePath(p: string): (string | number)[] {
  if (p === '(root)') return [];
  return [...p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

function useLabel(e: ConfigEntry): string {
  return typeof e.use === 'string' ? `use: ${JSON.stringify(e.use)}` : `plugin "${e.use.name}"`;
}

async function factoryFor(
  e: ConfigEntry & { use: string },
  list: ListName,
  origin: ConfigOrigin,
  io: Io,
): Promise<(o: Record<string, unknown>) => unknown> {
  const known = await builtins();
  const b = known[e.use];
  if (b) {
    if (b.kind !== KIND[list])
      throw new Error(`"${e.use}" is a ${b.kind}; list it under ${b.kind}s, not ${list}`);
    return (o) => b.create(o, io, origin.dir);
  }
  const { module, exportName } = splitSpecifier(e.use);
  if (!e.use.includes('#') && !module.startsWith('.')) {
    const guess = didYouMean(e.use, Object.keys(known));
    throw new Error(
      `unknown plugin "${e.use}"; ${guess ? `did you mean "${guess}"? ` : ''}builtins: ${Object.keys(known).join(', ')}; or name a package export as "<package>#<export>"`,
    );
  }
  const mod = await importFrom(origin.dir, module);
  const f = pickExport(mod, exportName);
  if (typeof f !== 'function') {
    throw new Error(
      `"${module}" has no function export "${exportName}" (its exports: ${exportNames(mod).join(', ') || 'none'})`,
    );
  }
  return f as (o: Record<string, unknown>) => unknown;
}

function checkPlugin(p: unknown, e: ConfigEntry, list: ListName): string | undefined {
  if (typeof p !== 'object' || p === null)
    return `${useLabel(e)} returned ${p === null ? 'null' : typeof p}, not a plugin object`;
  const { kind, apiVersion, name } = p as Partial<Plugin>;
  if (kind !== KIND[list])
    return `${useLabel(e)} made a ${String(kind)} plugin; list it under ${String(kind)}s`;
  if (apiVersion !== API_VERSION) {
    return (
      `${useLabel(e)} (plugin "${String(name)}") declares apiVersion ${String(apiVersion)}, but this Argus implements ` +
      `apiVersion ${API_VERSION}; upgrade the plugin or @argus/cli so they match`
    );
  }
  return undefined;
}

async function instantiate(
  e: ConfigEntry,
  list: ListName,
  i: number,
  origin: ConfigOrigin,
  io: Io,
): Promise<{ plugin?: Plugin; problems: string[] }> {
  const at = (path: (string | number)[], m: string): string => problem(origin, [list, i, ...path], m);
  let plugin: unknown = e.use;
  if (typeof e.use === 'string') {
    let factory: (o: Record<string, unknown>) => unknown;
    try {
      factory = await factoryFor(e as ConfigEntry & { use: string }, list, origin, io);
    } catch (err) {
      return { problems: [at(['use'], (err as Error).message)] };
    }
    try {
      plugin = await factory(e.options ?? {});
    } catch (err) {
      const { code, issues, plugin } = err as { code?: string; issues?: OptionIssue[]; plugin?: string };
      if (code === 'ERR_PLUGIN_OPTIONS' && Array.isArray(issues)) {
        const name = plugin ?? (e.use as string);
        return {
          problems: issues.map((x) =>
            at(['options', ...(x.keys ?? parsePath(x.path))], optionMessage(name, x)),
          ),
        };
      }
      return { problems: [at(['use'], `${useLabel(e)} failed: ${(err as Error).message}`)] };
    }
  }
  const bad = checkPlugin(plugin, e, list);
  return bad ? { problems: [at(['use'], bad)] } : { plugin: plugin as Plugin, problems: [] };
}

function optionMessage(plugin: string, x: OptionIssue): string {
  return `plugin "${plugin}": ${x.message}${x.given === 'nothing' ? '' : ` (given: ${x.given})`}`;
}

// problems from the shape check and from the plugins' own schemas, merged in the order of the file's lines
function inFileOrder(problems: readonly string[], file: string): string[] {
  const at = (p: string): number => {
    const m = p.startsWith(`${file}:`) ? /^(\d+):(\d+) /.exec(p.slice(file.length + 1)) : null;
    return m ? Number(m[1]) * 1e6 + Number(m[2]) : Number.POSITIVE_INFINITY;
  };
  return problems
    .map((p, i) => ({ p, i, at: at(p) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.p);
}

/** What {@link buildPipeline} made. */
export interface Built {
  pipeline?: Pipeline;
  problems: string[];
  counts: Record<ListName, number>;
  stopTimeoutMs?: number | undefined;
  /** The `rules:` and `slos:` groups running in process, for the server's `/api/v1/rules` and `/api/v1/alerts`. */
  rules?: RuleGroups;
}

/**
 * Instantiates every entry (collecting every problem, each located, after those found while loading), then
 * creates the pipeline when there are none. No I/O is started.
 */
export async function buildPipeline(
  config: Config,
  origin: ConfigOrigin,
  io: Io,
  o: {
    state?: StateStore | undefined;
    problems?: readonly string[];
    /** Added by the CLI itself (the server's): not counted as the config's. */
    extraSources?: readonly Source[];
    extraAlerters?: readonly Alerter[];
    extraSinks?: readonly Sink[];
  } = {},
): Promise<Built> {
  const { state } = o;
  const problems: string[] = [...(o.problems ?? [])];
  const lists: Record<string, unknown[]> = {};
  const owners = new Map<string, (string | number)[]>();
  for (const list of LISTS) {
    lists[list] = [];
    for (const [i, e] of config[list].entries()) {
      const r = await instantiate(e, list, i, origin, io);
      problems.push(...r.problems);
      if (!r.plugin) continue;
      const { use: _use, options: _options, ...settings } = e;
      lists[list].push({ use: r.plugin, ...settings });
      owners.set(r.plugin.name, [list, i]);
    }
  }
  let rules: RuleGroups | undefined;
  if ((config.rules || config.slos) && problems.length === 0) {
    const added = await addRules(config, origin, lists);
    problems.push(...added.problems);
    rules = added.groups;
  }
  lists['sources']!.push(...(o.extraSources ?? []));
  lists['alerters']!.push(...(o.extraAlerters ?? []));
  lists['sinks']!.push(...(o.extraSinks ?? []));
  const counts = Object.fromEntries(LISTS.map((l) => [l, config[l].length])) as Record<ListName, number>;
  const { stopTimeoutMs, dataDir: _dataDir, state: _state, ...settings } = config.pipeline ?? {};
  if (problems.length > 0) return { problems: inFileOrder(problems, origin.file), counts };
  try {
    const pipeline = createPipeline({
      ...(lists as PipelineOptions),
      ...settings,
      logger: ioLogger(io),
      ...(state ? { state } : {}),
    });
    return { pipeline, problems, counts, stopTimeoutMs, ...(rules ? { rules } : {}) };
  } catch (err) {
    const plugin = (err as { plugin?: string }).plugin;
    const path = (plugin && owners.get(plugin)) || [];
    return { problems: [problem(origin, path, (err as Error).message)], counts };
  }
}

/**
 * Adds the plugins that run `rules:` and `slos:` in process to `lists`; returns the located problems and the
 * groups running in process.
 */
async function addRules(
  config: Config,
  origin: ConfigOrigin,
  lists: Record<string, unknown[]>,
): Promise<{ problems: string[]; groups?: RuleGroups }> {
  const slos = config.slos ? await sloRuleFiles(config.slos, origin.dir) : { files: [], problems: [] };
  if (slos.problems.length > 0)
    return { problems: slos.problems.map((p) => problem(origin, p.path, p.message)) };
  if (config.rules?.prometheus && slos.files.length > 0)
    return {
      problems: [
        problem(
          origin,
          ['slos'],
          'SLOs run in process (their alerts read their recording rules, which rules.prometheus skips): drop ' +
            'rules.prometheus, or export them with `argus slo generate` and load the file into that Prometheus',
        ),
      ],
    };
  try {
    const r = await rulePlugins(config.rules ?? { files: [] }, origin.dir, slos.files);
    for (const list of ['sources', 'alerters', 'sinks'] as const) lists[list]!.push(...r[list]);
    return { problems: [], ...(r.groups ? { groups: r.groups } : {}) };
  } catch (err) {
    return {
      problems: [problem(origin, config.rules ? ['rules', 'files'] : ['slos'], (err as Error).message)],
    };
  }
}
