import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Splits `"<package>#<export>"`; the export defaults to `default`. */
export function splitSpecifier(use: string): { module: string; exportName: string } {
  const i = use.lastIndexOf('#');
  return i <= 0
    ? { module: use, exportName: 'default' }
    : { module: use.slice(0, i), exportName: use.slice(i + 1) };
}

/**
 * Resolves a module the way Node would from a file in `dir` (so a config uses the plugins installed next to
 * it, not the CLI's own), then imports it. Relative paths are taken from `dir`.
 */
export async function importFrom(dir: string, specifier: string): Promise<Record<string, unknown>> {
  let file: string;
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    file = resolve(dir, specifier);
    if (!existsSync(file)) throw new Error(`cannot find ${JSON.stringify(specifier)} (looked for ${file})`);
  } else {
    try {
      file = createRequire(join(dir, '__argus_config__.js')).resolve(specifier);
    } catch {
      throw new Error(
        `cannot find package ${JSON.stringify(specifier)} from ${dir}; install it next to the config (npm install ${specifier})`,
      );
    }
  }
  return importFile(file);
}

const TS = new Set(['.ts', '.mts', '.cts']);

/** Whether a file is TypeScript (loaded through jiti, as Node cannot import it). */
export function isTypeScript(file: string): boolean {
  return TS.has(extname(file));
}

/** Imports a file by absolute path: TypeScript through jiti, JavaScript with Node's own `import()`. */
export async function importFile(file: string): Promise<Record<string, unknown>> {
  if (!isTypeScript(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const { createJiti } = await import('jiti');
  const jiti = createJiti(file, { interopDefault: true, fsCache: false });
  return (await jiti.import(file)) as Record<string, unknown>;
}

/** Picks an export, looking through a CommonJS module's `default` too. */
export function pickExport(mod: Record<string, unknown>, name: string): unknown {
  if (name in mod) return mod[name];
  const def = mod['default'];
  if (typeof def === 'object' && def !== null && name in def) return (def as Record<string, unknown>)[name];
  return undefined;
}

/** The names a module exports, for error messages. */
export function exportNames(mod: Record<string, unknown>): string[] {
  const def = mod['default'];
  const inner = typeof def === 'object' && def !== null ? Object.keys(def) : [];
  return [...new Set([...Object.keys(mod), ...inner])].filter((k) => k !== '__esModule');
}

/**
 * Imports an optional Argus package: the one installed with the CLI, else the one installed beside the config
 * (`dir`). Throws `[<what> ]needs <specifier>: install it beside the config` when neither is there.
 */
export async function importOptional(
  specifier: string,
  dir: string,
  what?: string,
): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch {
    return importFrom(dir, specifier).catch(() => {
      throw new Error(`${what ? `${what} ` : ''}needs ${specifier}: install it beside the config`);
    });
  }
}
