// scripts/build-stale.mjs, behind `pnpm demo`, the examples' start scripts and every package's prepack: it must
// build what changed (and what depends on it), nothing else, and say nothing when there is nothing to build.
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations; its exports are typed below
import * as script from '../scripts/build-stale.mjs';

interface Pkg {
  name: string;
  stale?: string;
}
const { buildStale, findStale } = script as {
  buildStale(o: { root: string; select?: string[]; write?: (s: string) => void }): Promise<boolean>;
  findStale(root: string, select?: string[]): Pkg[];
};

const repo = new URL('..', import.meta.url).pathname;
const ws = mkdtempSync(join(tmpdir(), 'argus-build-stale-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

// a workspace of four packages: b depends on a, c stands alone, d is private; each build appends its name to a log
const builds = (): string[] => readFileSync(join(ws, 'builds.log'), 'utf8').split('\n').filter(Boolean);
const pkg = (name: string, extra: object): void => {
  mkdirSync(join(ws, 'packages', name, 'src'), { recursive: true });
  writeFileSync(join(ws, 'packages', name, 'src', 'index.js'), `export const name = '${name}';\n`);
  const manifest = {
    name,
    version: '1.0.0',
    exports: { '.': { import: './dist/index.js', require: './dist/index.cjs' } },
    scripts: { build: 'node ../../build.mjs' },
    ...extra,
  };
  writeFileSync(join(ws, 'packages', name, 'package.json'), JSON.stringify(manifest));
  // sources dated a minute back, as if written before any build (two writes can share one mtime tick)
  const old = new Date(Date.now() - 60_000);
  for (const f of ['src/index.js', 'src', 'package.json'])
    utimesSync(join(ws, 'packages', name, f), old, old);
};

beforeAll(() => {
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
  writeFileSync(join(ws, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  writeFileSync(join(ws, 'builds.log'), '');
  writeFileSync(
    join(ws, 'build.mjs'),
    `import { appendFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
if (readFileSync('src/index.js', 'utf8').includes('syntax error')) { console.error('src/index.js: syntax error'); process.exit(1); }
mkdirSync('dist', { recursive: true });
copyFileSync('src/index.js', 'dist/index.js');
copyFileSync('src/index.js', 'dist/index.cjs');
appendFileSync('../../builds.log', JSON.parse(readFileSync('package.json', 'utf8')).name + '\\n');
`,
  );
  pkg('a', {});
  pkg('b', { dependencies: { a: 'workspace:*' } });
  pkg('c', {});
  pkg('d', { private: true });
});

describe('build-stale', () => {
  it('builds every publishable package the first time, dependencies first, with one line of output', async () => {
    const out: string[] = [];
    expect(await buildStale({ root: ws, write: (s) => out.push(s) })).toBe(true);
    expect(builds().sort()).toEqual(['a', 'b', 'c']);
    expect(builds().indexOf('a')).toBeLessThan(builds().indexOf('b'));
    expect(out.join('')).toMatch(/^argus: building 3 packages \(not built\) … done in \d+ s\n$/);
  }, 120_000);

  it('builds nothing and prints nothing the second time', async () => {
    const out: string[] = [];
    expect(await buildStale({ root: ws, write: (s) => out.push(s) })).toBe(true);
    expect(builds()).toHaveLength(3);
    expect(out).toEqual([]);
  });

  it('rebuilds a changed package and what depends on it, not the rest', async () => {
    appendFileSync(join(ws, 'packages', 'a', 'src', 'index.js'), 'export const more = 1;\n');
    expect(findStale(ws).map((p) => [p.name, p.stale])).toEqual([
      ['a', 'sources changed'],
      ['b', 'a changed'],
      ['c', undefined],
    ]);
    expect(await buildStale({ root: ws, write: () => {} })).toBe(true);
    expect(builds().slice(3)).toEqual(['a', 'b']);
  }, 120_000);

  it('builds once when two runs start together: the second waits for the first, then finds nothing to do', async () => {
    appendFileSync(join(ws, 'packages', 'c', 'src', 'index.js'), 'export const again = 1;\n');
    const out: string[] = [];
    const both = await Promise.all([
      buildStale({ root: ws, write: (s) => out.push(s) }),
      buildStale({ root: ws, write: (s) => out.push(s) }),
    ]);
    expect(both).toEqual([true, true]);
    expect(builds().slice(5)).toEqual(['c']);
    expect(out.join('')).toMatch(/waiting for another build \(pid \d+\) … done/);
  }, 120_000);

  it('rebuilds a package with a missing output, and only the selected packages with their dependencies', () => {
    rmSync(join(ws, 'packages', 'c', 'dist', 'index.cjs'));
    expect(findStale(ws, ['b']).map((p) => p.name)).toEqual(['a', 'b']);
    expect(findStale(ws, ['b']).some((p) => p.stale)).toBe(false);
    expect(findStale(ws, [join(ws, 'packages', 'c')])).toMatchObject([{ name: 'c', stale: 'not built' }]);
  });

  it('selects every publishable package with *, plus a private one named; a Vite app is stale until dist/index.html exists', () => {
    mkdirSync(join(ws, 'packages', 'web'), { recursive: true });
    writeFileSync(
      join(ws, 'packages', 'web', 'package.json'),
      JSON.stringify({ name: 'web', private: true, scripts: { build: 'vite build' } }),
    );
    writeFileSync(join(ws, 'packages', 'web', 'vite.config.ts'), 'export default {};\n');
    writeFileSync(join(ws, 'packages', 'web', 'index.html'), '<!doctype html>\n');
    const old = new Date(Date.now() - 60_000);
    for (const f of ['package.json', 'vite.config.ts', 'index.html'])
      utimesSync(join(ws, 'packages', 'web', f), old, old);
    expect(findStale(ws, ['*', 'web']).map((p) => [p.name, p.stale])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', 'not built'],
      ['web', 'not built'],
    ]);
    mkdirSync(join(ws, 'packages', 'web', 'dist'));
    writeFileSync(join(ws, 'packages', 'web', 'dist', 'index.html'), '<!doctype html>\n');
    expect(findStale(ws, ['web']).map((p) => [p.name, p.stale])).toEqual([['web', undefined]]);
    utimesSync(join(ws, 'packages', 'web', 'index.html'), new Date(), new Date());
    expect(findStale(ws, ['web'])).toMatchObject([{ name: 'web', stale: 'sources changed' }]);
    rmSync(join(ws, 'packages', 'web'), { recursive: true });
  });

  it('shows the build log when a build fails, and reports the failure', async () => {
    writeFileSync(join(ws, 'packages', 'c', 'src', 'index.js'), 'syntax error\n');
    const out: string[] = [];
    expect(await buildStale({ root: ws, write: (s) => out.push(s) })).toBe(false);
    expect(out.join('')).toMatch(/src\/index\.js: syntax error[\s\S]*the build failed/);
  }, 120_000);
});

describe("the repository's packages", () => {
  it('are all fresh after one build-stale run: a second `pnpm demo` builds nothing', async () => {
    expect(await buildStale({ root: repo })).toBe(true);
    expect(findStale(repo).filter((p) => p.stale)).toEqual([]);
  }, 600_000);
});
