// The first `pnpm demo` of a clone runs the CLI from a JavaScript-only bundle of its sources (scripts/demo-bundle.mjs)
// while the packages build in the background; later runs use dist. Checked on a small workspace shaped like ours
// (a CLI that imports a server package from source, a third-party package only the server can resolve, a lazy
// chunk, a worker thread found beside the server's code), with real esbuild and a real pnpm build.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations; its exports are typed below
import * as stale from '../scripts/build-stale.mjs';
// @ts-expect-error: a plain .mjs script without declarations; its exports are typed below
import * as bundle from '../scripts/demo-bundle.mjs';
import { start } from './support/processes.js';

interface Pkg {
  name: string;
  stale?: string;
}
type Write = { write?: (s: string) => void };
const { buildStale, findStale } = stale as {
  buildStale(o: { root: string; select?: string[] } & Write): Promise<boolean>;
  findStale(root: string, select?: string[]): Pkg[];
};
const { buildDemoBundle, demoBin, demoBundleDir, demoBundleStale } = bundle as {
  buildDemoBundle(root: string, dir?: string): Promise<string>;
  demoBin(root: string, o?: { dir?: string } & Write): Promise<string | undefined>;
  demoBundleDir(root: string): string;
  demoBundleStale(root: string, dir?: string): string | undefined;
};

const repo = new URL('..', import.meta.url).pathname;
const ws = mkdtempSync(join(tmpdir(), 'argus-demo-bundle-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const file = (path: string, text: string): void => {
  mkdirSync(dirname(join(ws, path)), { recursive: true });
  writeFileSync(join(ws, path), text);
};
const exportsOf = { '.': { import: './dist/index.js', require: './dist/index.cjs' } };
const builds = (): string[] => readFileSync(join(ws, 'builds.log'), 'utf8').split('\n').filter(Boolean);
/** Runs a built entry as `pnpm demo` would, and returns what it printed. */
const runBin = (bin: string): string => {
  const r = spawnSync(process.execPath, [bin, 'demo'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
};
// an edit after every build and bundle so far (they are dated back first: two writes can share one mtime tick)
const edit = (path: string, text: string): void => {
  ageSources();
  const older = new Date(Date.now() - 30_000);
  const outputs = [join(demoBundleDir(ws), 'stamp.json'), join(demoBundleDir(ws), 'dist')];
  for (const p of ['server', 'cli']) outputs.push(join(ws, 'packages', p, 'dist'));
  for (const out of outputs.filter((o) => existsSync(o))) {
    utimesSync(out, older, older);
    if (statSync(out).isDirectory()) for (const f of readdirSync(out)) utimesSync(join(out, f), older, older);
  }
  writeFileSync(join(ws, path), text);
};
/** Dates every source and config a minute back, as if written before any build or bundle that follows. */
const ageSources = (): void => {
  const old = new Date(Date.now() - 60_000);
  for (const p of ['tsconfig.base.json', 'scripts/demo-bundle.mjs']) utimesSync(join(ws, p), old, old);
  for (const p of ['server', 'cli', 'ui']) {
    const src = join(ws, 'packages', p, 'src');
    for (const f of readdirSync(src, { recursive: true }).map(String)) utimesSync(join(src, f), old, old);
    for (const f of ['package.json', 'src']) utimesSync(join(ws, 'packages', p, f), old, old);
  }
};

beforeAll(() => {
  file('package.json', JSON.stringify({ name: 'ws', private: true, type: 'module' }));
  file('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  file('tsconfig.base.json', '{}\n');
  file('builds.log', '');
  // stands in for tsup: writes the outputs package.json names, from a dist/bin.js that says where it came from
  file(
    'build.mjs',
    `import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
if (readFileSync('src/index.ts', 'utf8').includes('syntax error')) { console.error('src/index.ts: syntax error'); process.exit(1); }
mkdirSync('dist', { recursive: true });
for (const f of ['index.js', 'index.cjs', 'bin.js', 'index.html']) writeFileSync('dist/' + f, 'console.log("from dist");\\n');
appendFileSync('../../builds.log', JSON.parse(readFileSync('package.json', 'utf8')).name + '\\n');
`,
  );
  for (const s of ['build-stale.mjs', 'demo-bundle.mjs', 'demo.mjs'])
    cpSync(join(repo, 'scripts', s), join(ws, 'scripts', s));
  mkdirSync(join(ws, 'node_modules'));
  symlinkSync(join(repo, 'node_modules', 'esbuild'), join(ws, 'node_modules', 'esbuild'));

  const manifest = (name: string, extra: object) =>
    JSON.stringify({
      name,
      version: '1.2.3',
      type: 'module',
      exports: exportsOf,
      scripts: { build: 'node ../../build.mjs' },
      ...extra,
    });
  file('packages/server/package.json', manifest('@argus/server', { dependencies: { greet: '1.0.0' } }));
  file(
    'packages/server/src/index.ts',
    `import { greet } from 'greet';
export const hello = (): string => greet('server');
export const workerFile = (): URL => new URL('./job-worker.js', import.meta.url);
`,
  );
  file(
    'packages/server/src/jobs/worker.ts',
    `import { parentPort } from 'node:worker_threads';
parentPort?.postMessage('worker ok');
`,
  );
  // a third-party package that only the server's node_modules holds, as pnpm lays them out
  file(
    'packages/server/node_modules/greet/package.json',
    JSON.stringify({ name: 'greet', type: 'module', exports: './index.js' }),
  );
  file('packages/server/node_modules/greet/index.js', "export const greet = (who) => 'hello from ' + who;\n");
  file(
    'packages/cli/package.json',
    manifest('@argus/cli', {
      bin: { argus: './dist/bin.js' },
      dependencies: { '@argus/server': 'workspace:*' },
    }),
  );
  file('packages/cli/src/index.ts', 'export const cli = 1;\n');
  // the web UI: private, built by Vite (its output is dist/index.html), named by \`pnpm demo\` for its background build
  file(
    'packages/ui/package.json',
    JSON.stringify({ name: '@argus/ui', private: true, scripts: { build: 'node ../../build.mjs' } }),
  );
  file('packages/ui/vite.config.ts', 'export default {};\n');
  file('packages/ui/src/index.ts', 'export const ui = 1;\n');
  file('packages/cli/src/lazy.ts', "export const lazy = 'lazy chunk';\n");
  file(
    'packages/cli/src/bin.ts',
    `import { Worker } from 'node:worker_threads';
import { hello, workerFile } from '@argus/server';

const { lazy } = await import('./lazy.js');
const worker = new Worker(workerFile());
worker.once('message', (m: string) => {
  console.log(\`\${hello()}; \${lazy}; \${m}; \${process.argv.slice(2).join(' ')}\`);
  void worker.terminate();
});
`,
  );
  ageSources();
});

describe('demo bundle', () => {
  const dir = (): string => demoBundleDir(ws);
  const stamp = (): number => statSync(join(dir(), 'stamp.json')).mtimeMs;

  it('bundles the CLI from its sources when dist is not built, with one line of output, and it runs', async () => {
    expect(demoBundleStale(ws)).toBe('not built');
    const out: string[] = [];
    const bin = await demoBin(ws, { write: (s) => out.push(s) });
    expect(bin).toBe(join(dir(), 'dist', 'bin.js'));
    expect(out.join('')).toMatch(
      /^argus: bundling the CLI from its sources for this first run .* done in [\d.]+ s\n$/,
    );
    expect(runBin(bin!)).toBe('hello from server; lazy chunk; worker ok; demo');
    expect(demoBundleStale(ws)).toBeUndefined();
    // the bundle is nobody's dist: build-stale still builds every package
    expect(findStale(ws, ['@argus/cli']).map((p) => [p.name, p.stale])).toEqual([
      ['@argus/server', 'not built'],
      ['@argus/cli', 'not built'],
    ]);
    expect(builds()).toEqual([]);
  }, 60_000);

  it('reuses a fresh bundle without a word, and rebuilds it when a dependency changes', async () => {
    const before = stamp();
    const out: string[] = [];
    expect(await demoBin(ws, { write: (s) => out.push(s) })).toBe(join(dir(), 'dist', 'bin.js'));
    expect(out).toEqual([]);
    expect(stamp()).toBe(before);

    edit(
      'packages/server/src/index.ts',
      readFileSync(join(ws, 'packages/server/src/index.ts'), 'utf8').replace(
        "greet('server')",
        "greet('server v2')",
      ),
    );
    expect(demoBundleStale(ws)).toBe('sources changed');
    const bin = await demoBin(ws, { write: () => {} });
    expect(runBin(bin!)).toBe('hello from server v2; lazy chunk; worker ok; demo');
    expect(demoBundleStale(ws)).toBeUndefined();
  }, 60_000);

  it('uses dist once it is built and fresh; after an edit neither output hides the other being stale', async () => {
    ageSources();
    expect(await buildStale({ root: ws, select: ['@argus/cli'], write: () => {} })).toBe(true);
    expect(builds()).toEqual(['@argus/server', '@argus/cli']);
    const dist = join(ws, 'packages', 'cli', 'dist', 'bin.js');
    expect(await demoBin(ws)).toBe(dist);
    expect(runBin(dist)).toBe('from dist');

    // dated after both the bundle and dist: the bundle is rebuilt with the edit, and dist still counts as stale
    edit('packages/cli/src/lazy.ts', "export const lazy = 'edited chunk';\n");
    expect(findStale(ws, ['@argus/cli']).map((p) => [p.name, p.stale])).toEqual([
      ['@argus/server', undefined],
      ['@argus/cli', 'sources changed'],
    ]);
    expect(demoBundleStale(ws)).toBe('sources changed');
    const bin = await demoBin(ws, { write: () => {} });
    expect(bin).toBe(join(dir(), 'dist', 'bin.js'));
    expect(runBin(bin!)).toBe('hello from server v2; edited chunk; worker ok; demo');
    expect(findStale(ws, ['@argus/cli']).find((p) => p.name === '@argus/cli')?.stale).toBe('sources changed');
  }, 120_000);

  it('counts a bundle whose folder moved as stale (its third-party imports are relative paths)', () => {
    const moved = `${dir()}-moved`;
    cpSync(dir(), moved, { recursive: true });
    try {
      expect(demoBundleStale(ws, moved)).toBe('moved');
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });

  it('builds the packages instead when bundling fails, and shows that build log', async () => {
    const index = join(ws, 'packages/cli/src/index.ts');
    const text = readFileSync(index, 'utf8');
    edit(
      'packages/cli/src/bin.ts',
      `${readFileSync(join(ws, 'packages/cli/src/bin.ts'), 'utf8')}\nconst = ;\n`,
    );
    edit('packages/cli/src/index.ts', `${text}syntax error\n`);
    const out: string[] = [];
    expect(await demoBin(ws, { write: (s) => out.push(s) })).toBeUndefined();
    expect(out.join('')).toMatch(
      /bundling .* failed: [\s\S]*src\/index\.ts: syntax error[\s\S]*the build failed/,
    );
    edit('packages/cli/src/index.ts', text);
    edit(
      'packages/cli/src/bin.ts',
      readFileSync(join(ws, 'packages/cli/src/bin.ts'), 'utf8').replace('\nconst = ;\n', ''),
    );
  }, 120_000);

  it('`pnpm demo`: runs the bundle on the first run while the packages build in the background, dist on the next', async () => {
    for (const p of ['server', 'cli'])
      rmSync(join(ws, 'packages', p, 'dist'), { recursive: true, force: true });
    rmSync(dir(), { recursive: true, force: true });
    ageSources();
    appendFileSync(join(ws, 'builds.log'), '--\n');
    const demo = (): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, [join(ws, 'scripts', 'demo.mjs'), '--seed', '2'], {
        cwd: ws,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const first = demo();
    expect(first.status, String(first.stderr)).toBe(0);
    expect(String(first.stderr)).toMatch(/^argus: bundling the CLI .* done in [\d.]+ s\n$/);
    expect(String(first.stdout).trim()).toBe('hello from server v2; edited chunk; worker ok; demo --seed 2');
    // the background build (every publishable package and the UI) finishes on its own, at a low priority: a
    // bounded wait (150 s) for it on a loaded machine
    const all = ['*', '@argus/ui'];
    const lock = join(ws, 'node_modules', '.cache', 'argus-build-stale.lock');
    for (let i = 0; i < 750 && (existsSync(lock) || findStale(ws, all).some((p) => p.stale)); i++)
      await sleep(200);
    expect(findStale(ws, all).filter((p) => p.stale)).toEqual([]);
    const built = builds().slice(builds().indexOf('--') + 1);
    expect(built.sort()).toEqual(['@argus/cli', '@argus/server', '@argus/ui']);
    const second = demo();
    expect(second.status).toBe(0);
    expect(String(second.stderr)).toBe('');
    expect(String(second.stdout).trim()).toBe('from dist');
  }, 240_000);
});

describe("the repository's CLI, bundled", () => {
  // beside the real bundle, so that @argus/ui resolves from it as from packages/cli/dist
  const dir = `${demoBundleDir(repo)}-test-${process.pid}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs `argus demo` with its server: login, an analysis job in its worker thread, exit 0 on SIGINT', async () => {
    // dist is fresh in a built checkout, where `pnpm demo` would not bundle: bundle for this test
    const bundled = await buildDemoBundle(repo, dir);
    expect(demoBundleStale(repo, dir)).toBeUndefined();
    const demo = start(process.execPath, [bundled, 'demo', '--listen', '127.0.0.1:0'], {
      cwd: repo,
      env: process.env,
    });
    try {
      const [, url] = await demo.waitFor(/argus demo: (?:web UI and )?API on (http:\/\/[\d.:]+)\//, 60_000);
      const [, password] = await demo.waitFor(/one-time password (\S+) /, 10_000);
      const login = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const headers = {
        cookie: login.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
        'x-csrf-token': csrfToken,
        'content-type': 'application/json',
      };
      const now = Date.now();
      const started = await fetch(`${url}/api/analysis/jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          type: 'backtest',
          expr: 'queue_depth > 50',
          intervalMs: 1000,
          from: now - 60_000,
          to: now,
        }),
      });
      expect(started.status, await started.clone().text()).toBe(202);
      const { id } = (await started.json()) as { id: string };
      let job: { state: string; error?: string; result?: unknown } = { state: 'running' };
      for (let i = 0; i < 12 && job.state === 'running'; i++)
        job = (await (
          await fetch(`${url}/api/analysis/jobs/${id}?waitMs=5000`, { headers })
        ).json()) as typeof job;
      // the worker thread's entry is found beside the bundle's code, as beside dist's
      expect(job.error).toBeUndefined();
      expect(job.state).toBe('succeeded');
      expect(job.result).toBeDefined();
      demo.signal('SIGINT');
      expect(await demo.exit(30_000), demo.output()).toEqual({ code: 0, signal: null, hung: false });
      expect(demo.output()).toMatch(/history: \d+ samples/);
    } finally {
      await demo.stop('SIGKILL', 5_000);
    }
  }, 120_000);
});
