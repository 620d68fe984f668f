import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { type ConfigOrigin, problem } from './build.js';
import { importFile, isTypeScript } from './resolve.js';
import { type Config, LISTS, parseConfig } from './schema.js';
import { applyShard } from './shard.js';
import { parseYaml } from './yaml.js';

/** A config file read and shape-checked: its problems, and what could be read of it (for checking the rest). */
export interface LoadedConfig {
  origin: ConfigOrigin;
  config?: Config | undefined;
  problems: string[];
}

const YAML = new Set(['.yaml', '.yml', '.json']);
const JS = new Set(['.js', '.mjs', '.cjs']);

// A TS/JS config may list bare plugin objects, as createPipeline accepts; they become { use: plugin }.
function normalise(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const list of LISTS) {
    const items = out[list];
    if (!Array.isArray(items)) continue;
    out[list] = items.map((x) =>
      typeof x === 'object' && x !== null && 'kind' in x && !('use' in x) ? { use: x } : x,
    );
  }
  return out;
}

async function importModule(path: string): Promise<unknown> {
  const mod = await importFile(path);
  let value = 'default' in mod ? mod['default'] : mod;
  if (typeof value === 'function') value = await (value as () => unknown)();
  return normalise(value);
}

/** Reads a config (.yaml/.yml/.json, .ts/.mts/.cts via jiti, .js/.mjs/.cjs) and checks its shape. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const path = resolve(file);
  const origin: ConfigOrigin = { file, dir: dirname(path) };
  const ext = extname(path);
  if (!existsSync(path)) return { origin, problems: [`${file}: no such file`] };
  let data: unknown;
  if (YAML.has(ext)) {
    const parsed = parseYaml(readFileSync(path, 'utf8'));
    if ('errors' in parsed) {
      return {
        origin,
        problems: parsed.errors.map(
          (e) => `${file}${e.position ? `:${e.position.line}:${e.position.col}` : ''} ${e.message}`,
        ),
      };
    }
    origin.locate = parsed.locate;
    data = parsed.data;
  } else if (isTypeScript(path) || JS.has(ext)) {
    try {
      data = await importModule(path);
    } catch (err) {
      return { origin, problems: [`${file}: cannot load: ${(err as Error).message}`] };
    }
  } else {
    return {
      origin,
      problems: [
        `${file}: unknown config type ${JSON.stringify(ext)}; use .yaml, .yml, .json, .ts, .js or .mjs`,
      ],
    };
  }
  const r = parseConfig(data ?? {});
  const issues = r.config ? [...r.issues, ...applyShard(r.config)] : r.issues;
  return { origin, config: r.config, problems: issues.map((i) => problem(origin, i.path, i.message)) };
}
