#!/usr/bin/env node
// Builds the workspace packages whose dist is older than their sources, and nothing else, quietly.
// tsup cleans dist on every build, so `pnpm build` before each demo or example rebuilt all twelve packages
// every time; this compares modification times instead (any build counts, whoever ran it): a package is stale
// when an output its package.json names is missing, or when a source, its config, or the dist of a workspace
// package it depends on is newer than its oldest output. Stale packages build through pnpm (topological
// order); their logs are shown only when a build fails.
//
//   node scripts/build-stale.mjs [--check] [package name or dir, or * for every publishable one …]
//   (default: every publishable package)
//   (each package's `prepack` runs it with `.`, so a package is built, if stale, before it is packed)
//   --check   list the stale packages and exit 1 if there are any; builds nothing
//   --low-priority   build at a low CPU priority (`pnpm demo`'s background build, beside the running demo)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const CONFIG_FILES = ['package.json', 'tsup.config.ts', 'tsconfig.json', 'vite.config.ts', 'index.html'];

/** The packages under `<root>/packages` that have a build script. */
export function workspacePackages(root) {
  const dir = join(root, 'packages');
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const pkgDir = join(dir, name);
    const file = join(pkgDir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (!pkg.scripts?.build) continue;
    found.push({ name: pkg.name, dir: pkgDir, pkg });
  }
  const names = new Set(found.map((p) => p.name));
  for (const p of found) {
    // what the build reads of other packages (their types); devDependencies serve only the tests
    const deps = { ...p.pkg.dependencies, ...p.pkg.peerDependencies };
    p.deps = Object.keys(deps).filter((d) => names.has(d) && d !== p.name);
  }
  return found;
}

/** Files a package's build writes, as its package.json names them (main, module, types, exports, bin). */
function outputs(p) {
  const out = new Set();
  const add = (v) => {
    if (typeof v === 'string') {
      if (v.startsWith('./dist/') || v.startsWith('dist/')) out.add(resolve(p.dir, v));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) add(x);
  };
  for (const field of ['main', 'module', 'types', 'exports', 'bin']) add(p.pkg[field]);
  // a web app built by Vite (the UI) names no dist file in package.json: its built page is the output
  if (out.size === 0 && existsSync(join(p.dir, 'vite.config.ts'))) out.add(join(p.dir, 'dist', 'index.html'));
  return [...out];
}

/** The newest modification time in a file or folder tree (0 when it does not exist). */
export function newestIn(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows as a newer directory
  for (const e of readdirSync(path)) newest = Math.max(newest, newestIn(join(path, e)));
  return newest;
}

/** The newest of a package's build inputs: its sources, its config files and the root tsconfig. */
export function newestInput(root, p) {
  return Math.max(
    newestIn(join(root, 'tsconfig.base.json')),
    newestIn(join(p.dir, 'src')),
    ...CONFIG_FILES.map((f) => newestIn(join(p.dir, f))),
  );
}

/**
 * The selected packages (and the workspace packages they depend on) in dependency order, each with `stale` set
 * to a reason or undefined.
 */
export function findStale(root, select = []) {
  const all = workspacePackages(root);
  const byName = new Map(all.map((p) => [p.name, p]));
  const pick = (s) => {
    const p = byName.get(s) ?? all.find((x) => x.dir === resolve(s));
    if (!p)
      throw new Error(`build-stale: no workspace package with a build script named ${JSON.stringify(s)}`);
    return p;
  };
  const ordered = [];
  const seen = new Set();
  const visit = (p) => {
    if (seen.has(p.name)) return;
    seen.add(p.name);
    for (const d of p.deps) visit(byName.get(d));
    ordered.push(p);
  };
  // by default every publishable package (a private one, the template, builds only when named)
  const publishable = all.filter((x) => !x.pkg.private);
  const chosen =
    select.length > 0 ? select.flatMap((s) => (s === '*' ? publishable : [pick(s)])) : publishable;
  for (const p of chosen) visit(p);
  for (const p of ordered) {
    const outs = outputs(p);
    const oldestOut = Math.min(...outs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
    p.newestOut = Math.max(0, ...outs.map((f) => newestIn(f)));
    const inputs = newestInput(root, p);
    const changedDep = p.deps.map((d) => byName.get(d)).find((d) => d.stale || d.newestOut > oldestOut);
    if (outs.length === 0) p.stale = undefined;
    else if (oldestOut === 0) p.stale = 'not built';
    else if (inputs > oldestOut) p.stale = 'sources changed';
    else if (changedDep) p.stale = `${changedDep.name} changed`;
  }
  return ordered;
}

// Under `pnpm <script>` npm_execpath is pnpm itself; under `npm pack` (attw, prepack) it is npm, not usable here.
function pnpmCommand() {
  const exec = process.env.npm_execpath;
  if (exec && basename(exec).startsWith('pnpm')) {
    return /\.[cm]?js$/.test(exec) ? [process.execPath, [exec]] : [exec, []];
  }
  return ['pnpm', []];
}

function run(root, names) {
  const [cmd, pre] = pnpmCommand();
  const args = [...pre, ...names.flatMap((n) => ['--filter', n]), 'run', 'build'];
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', (err) => done({ ok: false, log: `${log}\n${err.message}` }));
    child.on('close', (code) => done({ ok: code === 0, log }));
  });
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

// The live pid holding the lock; undefined for a dead owner; 'gone' when the lock was released meanwhile.
function lockOwner(lock) {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    return alive(pid) ? pid : undefined;
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    // no pid yet: its owner is between mkdir and write, unless that was long ago
    const st = statSync(lock, { throwIfNoEntry: false });
    if (!st) return 'gone';
    return Date.now() - st.mtimeMs < 10_000 ? 'starting' : undefined;
  }
}

// One build at a time per workspace: examples started side by side, or `pnpm -r publish` running prepacks, would
// otherwise run tsup on the same package at once, each cleaning the dist the other is writing. The lock is a
// directory (mkdir is atomic) holding the owner's pid; a dead owner's lock is taken over.
async function withLock(root, write, fn) {
  const lock = join(root, 'node_modules', '.cache', 'argus-build-stale.lock');
  mkdirSync(dirname(lock), { recursive: true });
  let waiting = false;
  for (const until = Date.now() + 20 * 60_000; ; await sleep(200)) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const pid = lockOwner(lock);
    if (pid === 'gone') continue;
    if (pid === undefined) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > until) throw new Error(`build-stale: ${lock} is still held by pid ${pid}`);
    else if (!waiting) {
      waiting = true;
      write(`argus: waiting for another build (pid ${pid}) … `);
    }
  }
  if (waiting) write('done\n');
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds what is stale among the selected packages. Prints nothing when everything is fresh, one line to
 * stderr when it builds, and the build's own log only when it fails. Resolves to true when dist is fresh.
 */
export async function buildStale({ root, select = [], write = (s) => process.stderr.write(s) }) {
  if (!findStale(root, select).some((p) => p.stale)) return true; // the usual case: no lock to take
  return withLock(root, write, () => buildLocked(root, select, write));
}

async function buildLocked(root, select, write) {
  const stale = findStale(root, select).filter((p) => p.stale);
  if (stale.length === 0) return true;
  const started = Date.now();
  const why = [...new Set(stale.map((p) => p.stale))].join(', ');
  write(`argus: building ${stale.length} package${stale.length > 1 ? 's' : ''} (${why}) … `);
  const { ok, log } = await run(
    root,
    stale.map((p) => p.name),
  );
  if (!ok) {
    write(`failed:\n${log}\nargus: the build failed; the log is above.\n`);
    return false;
  }
  write(`done in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return true;
}

async function cli(argv) {
  const check = argv.includes('--check');
  const select = argv.filter((a) => a !== '--check' && a !== '--low-priority');
  // the builds it starts (pnpm, tsup, tsc) inherit the priority
  if (argv.includes('--low-priority')) setPriority(10);
  const root = resolve(new URL('..', import.meta.url).pathname);
  if (check) {
    const stale = findStale(root, select).filter((p) => p.stale);
    for (const p of stale) console.log(`${p.name}: ${p.stale}`);
    return stale.length === 0 ? 0 : 1;
  }
  return (await buildStale({ root, select })) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await cli(process.argv.slice(2));
}
