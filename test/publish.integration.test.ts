// Installable as published: every package goes through `pnpm publish` to a real registry (Verdaccio on
// loopback), then an empty folder whose .npmrc sends only the @argus scope there installs and runs them the way a
// user would. Third-party dependencies come from the npm registry, so this needs it: unreachable, the test fails
// in CI and is skipped (saying so) elsewhere.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, start } from './support/processes.js';

const repo = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'argus-publish-'));
const app = join(work, 'app');
const publishable = readdirSync(join(repo, 'packages'))
  .map((d) => join(repo, 'packages', d, 'package.json'))
  .filter((f) => existsSync(f))
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; version: string; private?: boolean })
  .filter((p) => !p.private);

// a user's environment: none of the npm_* variables pnpm or vitest set for scripts, a cache of its own
const userEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
};

async function npmRegistryReachable(): Promise<string | undefined> {
  const got = spawnSync('npm', ['config', 'get', 'registry'], {
    cwd: work,
    env: userEnv(),
    encoding: 'utf8',
  });
  const registry = got.stdout.trim() || 'https://registry.npmjs.org/';
  try {
    const res = await fetch(new URL('prom-client', registry), { signal: AbortSignal.timeout(15_000) });
    return res.ok ? undefined : `${registry} answered ${res.status}`;
  } catch (err) {
    return `${registry} cannot be reached: ${(err as Error).message}`;
  }
}
const unreachable = await npmRegistryReachable();
if (unreachable && process.env.CI === 'true')
  throw new Error(`the publish test installs third-party packages from the npm registry, and ${unreachable}`);
if (unreachable) console.warn(`publish test skipped: ${unreachable} (in CI this fails)`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs a command to its end (bounded); fails the test with its output unless it exits 0. */
async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  const p = start(cmd, args, { cwd, env });
  const r = await p.exit(timeoutMs);
  expect(r, `${cmd} ${args.join(' ')}\n${p.output()}`).toEqual({ code: 0, signal: null, hung: false });
  return p.output();
}

const SNIPPET = (() => {
  const m = readFileSync(join(repo, 'README.md'), 'utf8').match(
    /<!-- embed-example -->\s*```ts\n([\s\S]*?)```/,
  );
  if (!m) throw new Error('README.md has no ```ts block after <!-- embed-example -->');
  return m[1]!;
})();

/** The snippet as CommonJS: no top-level await there, so its body runs in an async function. */
function commonJs(snippet: string, requires: boolean): string {
  const lines = snippet.trimEnd().split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  const head = imports.map((l) => {
    const m = l.match(/^import \{ (.+) \} from '(.+)';$/);
    if (!m) throw new Error(`cannot turn \`${l}\` into a require`);
    return requires ? `const { ${m[1]} } = require('${m[2]}');` : l;
  });
  return [...head, 'void (async () => {', ...body.map((l) => `  ${l}`), '})();', ''].join('\n');
}

let registry: Started | undefined;
let url = '';
afterAll(async () => {
  await registry?.stop('SIGTERM', 5_000);
  rmSync(work, { recursive: true, force: true }); // npm's cache included: tens of MB, slow on a busy disk
}, 60_000);

describe.skipIf(unreachable !== undefined)(
  'packages installed from a registry, as a user installs them',
  () => {
    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}/`;
      writeFileSync(
        join(work, 'verdaccio.yaml'),
        [
          `storage: ${join(work, 'storage')}`,
          'uplinks: {}', // a registry of our packages only: nothing proxied from npm
          'packages:',
          "  '@*/*': { access: $all, publish: $anonymous }",
          "  '**': { access: $all, publish: $anonymous }",
          'log: { type: stdout, format: pretty, level: warn }',
          '',
        ].join('\n'),
      );
      registry = start(
        join(repo, 'node_modules', '.bin', 'verdaccio'),
        ['--config', join(work, 'verdaccio.yaml'), '--listen', `127.0.0.1:${port}`],
        { cwd: work, env: userEnv() },
      );
      await registry.waitFor(/http address/, 60_000);
      // publish with a throwaway token (the registry accepts anyone); the user's own .npmrc is not touched
      writeFileSync(join(work, 'publish.npmrc'), `//127.0.0.1:${port}/:_authToken=argus-publish-test\n`);
      const env = { ...userEnv(), npm_config_userconfig: join(work, 'publish.npmrc') };
      const args = ['-r', '--filter', './packages/**', 'publish', '--registry', url, '--no-git-checks'];
      await run('pnpm', args, repo, env, 300_000);
      mkdirSync(app);
      writeFileSync(join(app, '.npmrc'), `@argus:registry=${url}\n`);
    }, 420_000);

    it('has every package, at the version of its package.json, with workspace ranges resolved', async () => {
      for (const p of publishable) {
        const res = await fetch(new URL(p.name.replace('/', '%2f'), url));
        expect(res.status, p.name).toBe(200);
        const doc = (await res.json()) as {
          versions: Record<string, { dependencies?: Record<string, string> }>;
        };
        const published = doc.versions[p.version];
        expect(published, `${p.name}@${p.version}`).toBeDefined();
        expect(JSON.stringify(published!.dependencies ?? {})).not.toMatch(/workspace:/);
      }
    });

    it('`npx @argus/cli demo` starts the demo, which stops on Ctrl-C', async () => {
      const demo = start('npx', ['--yes', '@argus/cli', 'demo'], { cwd: app, env: userEnv() });
      try {
        await demo.waitFor(/argus demo: watching this process/, 240_000);
        demo.signal('SIGINT');
        const r = await demo.exit(30_000);
        // npm re-raises the SIGINT it got once its child has exited (as shells expect of a program they run)
        expect([r.code, r.signal, r.hung], demo.output()).toEqual([null, 'SIGINT', false]);
        expect(demo.output()).toMatch(/history: \d+ samples/); // the CLI's graceful stop ran to its end
        expect(demo.output()).not.toMatch(/npm error|ERR!|argus: [A-Z]/);
      } finally {
        await demo.stop('SIGKILL', 5_000);
      }
    }, 300_000);

    it('`npm i @argus/node prom-client` installs, and every @argus package ships its LICENSE', async () => {
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'app', private: true, type: 'module' }),
      );
      await run('npm', ['i', '@argus/node', 'prom-client'], app, userEnv(), 300_000);
      const installed = readdirSync(join(app, 'node_modules', '@argus'));
      expect(installed).toContain('node');
      expect(installed).toContain('core'); // the peer dependency, installed by npm
      const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
      expect(license).toMatch(/Apache License\s+Version 2\.0/);
      for (const p of installed)
        expect(readFileSync(join(app, 'node_modules', '@argus', p, 'LICENSE'), 'utf8'), p).toBe(license);
    }, 300_000);

    it("the README's embed example type-checks against the installed packages, as ESM and as CJS", async () => {
      writeFileSync(join(app, 'embed.ts'), SNIPPET);
      writeFileSync(join(app, 'embed.cts'), commonJs(SNIPPET, false));
      writeFileSync(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            // Node's types from the repository: a user has their own, and this one installs nothing more
            typeRoots: [join(repo, 'node_modules', '@types')],
            types: ['node'],
          },
          files: ['embed.ts', 'embed.cts'],
        }),
      );
      const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
      expect(await run(process.execPath, [tsc, '-p', 'tsconfig.json'], app, userEnv(), 120_000)).toBe('');
    }, 150_000);

    it.each([
      ['ESM', 'embed.mjs', SNIPPET],
      ['CJS', 'embed.cjs', commonJs(SNIPPET, true)],
    ])(
      "the README's embed example runs from the installed packages as %s, and stops on SIGTERM",
      async (_k, file, code) => {
        writeFileSync(join(app, file), code);
        // the snippet is the part of a service that starts Argus; this stands in for the rest of the service (an
        // HTTP server, say), which keeps the process running until SIGTERM
        writeFileSync(
          join(app, 'service.cjs'),
          "const t = setInterval(() => {}, 1 << 30);\nprocess.once('SIGTERM', () => clearInterval(t));\n",
        );
        const cwd = join(work, `run-${file}`);
        mkdirSync(cwd);
        const p = start(process.execPath, ['--require', join(app, 'service.cjs'), join(app, file)], {
          cwd,
          env: userEnv(),
        });
        try {
          // Argus opens its state store in .argus/state when it starts
          const until = Date.now() + 60_000;
          while (!existsSync(join(cwd, '.argus', 'state')) && p.running() && Date.now() < until)
            await new Promise((r) => setTimeout(r, 100));
          expect(p.running(), p.output()).toBe(true);
          expect(existsSync(join(cwd, '.argus', 'state')), p.output()).toBe(true);
          p.signal('SIGTERM');
          expect(await p.exit(30_000), p.output()).toEqual({ code: 0, signal: null, hung: false });
          expect(p.output()).not.toMatch(/error|warn/i);
        } finally {
          await p.stop('SIGKILL', 5_000);
        }
      },
      120_000,
    );
  },
);
