#!/usr/bin/env node
// The first `pnpm demo` of a clone runs the CLI from this bundle instead of waiting for the packages' dist: tsup
// builds eleven packages with their type declarations in about a minute on two cores, while esbuild bundles the
// CLI and the workspace packages it imports, straight from their TypeScript sources and JavaScript only, in a
// few seconds at most. The bundle lives in its own folder (packages/cli/node_modules/.cache/argus-demo), so the full build
// that runs in the background meanwhile (tsup cleans each dist first) cannot pull files from under the running demo.
// It is never a package's output: build-stale judges dist alone, so a fresh bundle never makes dist look built.
//
// Third-party dependencies stay outside the bundle, imported by a relative path to the very file Node would load
// for the workspace package that imports them (each package has its own node_modules under pnpm). What the CLI
// imports at run time by a computed name (the web UI, processors and Azure for `argus run`) resolves from the
// bundle's folder as from packages/cli/dist: through packages/cli/node_modules.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildStale, findStale, newestIn, newestInput } from './build-stale.mjs';

/** Where `pnpm demo` keeps the bundle. */
export const demoBundleDir = (root) => join(root, 'packages', 'cli', 'node_modules', '.cache', 'argus-demo');

// written last: a bundle cut short has none, and counts as missing
const STAMP = 'stamp.json';

/** What the bundle is built from: the CLI and the workspace packages it depends on, the lockfile, this script. */
function newestBundleInput(root) {
  const packages = findStale(root, ['@argus/cli']);
  return Math.max(
    ...packages.map((p) => newestInput(root, p)),
    newestIn(join(root, 'pnpm-lock.yaml')),
    newestIn(new URL(import.meta.url).pathname),
  );
}

/** Why the bundle in `dir` must be (re)built, or undefined when it is fresh. */
export function demoBundleStale(root, dir = demoBundleDir(root)) {
  const stamp = statSync(join(dir, STAMP), { throwIfNoEntry: false });
  if (!stamp) return 'not built';
  const made = JSON.parse(readFileSync(join(dir, STAMP), 'utf8'));
  // the third-party imports are paths relative to the bundle's folder: right wherever the clone moves, wrong
  // once the folder itself moved within it
  if (made.dir !== relative(root, dir)) return 'moved';
  if (newestBundleInput(root) > stamp.mtimeMs) return 'sources changed';
  return undefined;
}

// @argus/x → its source for the import condition's dist file (./dist/y.js → src/y.ts), as tsup's entries map
function workspaceSource(packages, specifier) {
  const match = /^(@argus\/[^/]+)(\/.*)?$/.exec(specifier);
  const p = match && packages.get(match[1]);
  if (!p) return undefined;
  let target = p.pkg.exports?.[`.${match[2] ?? ''}`];
  while (target && typeof target === 'object') target = target.import ?? target.default;
  if (typeof target !== 'string' || !/^\.\/dist\/.+\.js$/.test(target)) return undefined;
  const file = join(p.dir, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
  return statSync(file, { throwIfNoEntry: false }) ? file : undefined;
}

function workspacePlugin(packages, outdir) {
  return {
    name: 'argus-workspace',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'argus-workspace' || args.path.startsWith('node:')) return undefined;
        const source = workspaceSource(packages, args.path);
        if (source) return { path: source };
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'argus-workspace',
        });
        if (found.errors.length > 0 || found.external) return found;
        const path = relative(outdir, found.path).split(sep).join('/');
        return { path: path.startsWith('.') ? path : `./${path}`, external: true };
      });
    },
  };
}

/**
 * Bundles the CLI (and the analysis jobs' worker thread, which @argus/server looks for beside its own code) into
 * `dir`, replacing what was there. Resolves to the bundle's `bin.js`; rejects with esbuild's messages.
 */
export async function buildDemoBundle(root, dir = demoBundleDir(root)) {
  const { build } = await import('esbuild');
  const packages = new Map(findStale(root, ['@argus/cli']).map((p) => [p.name, p]));
  const cli = packages.get('@argus/cli');
  const server = packages.get('@argus/server');
  const next = `${dir}.tmp-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const outdir = join(next, 'dist');
  try {
    await build({
      entryPoints: {
        bin: join(cli.dir, 'src', 'bin.ts'),
        'job-worker': join(server.dir, 'src', 'jobs', 'worker.ts'),
      },
      outdir,
      bundle: true,
      // the commands' lazy imports stay lazy: `argus demo` loads what it runs
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [workspacePlugin(packages, outdir)],
    });
    // `argus --version` reads ../package.json from its code; `type` makes Node read dist/*.js as ES modules
    // (inside node_modules it does not look past this folder for a package.json)
    const { name, version } = cli.pkg;
    writeFileSync(
      join(next, 'package.json'),
      `${JSON.stringify({ name, version, private: true, type: 'module' }, null, 2)}\n`,
    );
    writeFileSync(join(next, STAMP), `${JSON.stringify({ dir: relative(root, dir) })}\n`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    try {
      renameSync(next, dir);
    } catch (err) {
      // another first `pnpm demo` started beside this one put its (equal) bundle there first
      if (demoBundleStale(root, dir)) throw err;
    }
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
  return join(dir, 'dist', 'bin.js');
}

/**
 * The CLI entry `pnpm demo` runs: packages/cli/dist/bin.js when the CLI and the packages it depends on are built
 * and fresh, else the bundle (built first when stale, with one line of output). Should bundling fail, it builds
 * the CLI's packages as before, whose log then shows the problem. Resolves to undefined when that fails too.
 */
export async function demoBin(
  root,
  { dir = demoBundleDir(root), write = (s) => process.stderr.write(s) } = {},
) {
  const dist = join(root, 'packages', 'cli', 'dist', 'bin.js');
  if (!findStale(root, ['@argus/cli']).some((p) => p.stale)) return dist;
  if (!demoBundleStale(root, dir)) return join(dir, 'dist', 'bin.js');
  const started = Date.now();
  write(
    'argus: bundling the CLI from its sources for this first run (the packages build in the background) … ',
  );
  try {
    const bin = await buildDemoBundle(root, dir);
    write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return bin;
  } catch (err) {
    write(`failed: ${err.message.split('\n')[0]}\n`);
    return (await buildStale({ root, select: ['@argus/cli'], write })) ? dist : undefined;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(new URL('..', import.meta.url).pathname);
  console.log(await buildDemoBundle(root));
}
