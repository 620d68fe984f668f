// Repository conventions every package keeps (STYLE.md practice 10/11), checked so they cannot drift.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((dir) => ({
    dir,
    pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }));
const publishable = packages.filter((p) => !p.pkg.private);
// the CLI is an application: it depends on core directly instead of peer-depending on it
const plugins = publishable.filter((p) => p.pkg.name !== '@argus/core' && p.pkg.name !== '@argus/cli');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('package conventions', () => {
  it('finds the packages', () => {
    expect(publishable.map((p) => p.pkg.name)).toContain('@argus/core');
  });

  it.each(plugins.map((p) => [p.pkg.name, p] as const))(
    '%s peer-depends on core with workspace:^ (dev: workspace:*)',
    (_n, p) => {
      expect(p.pkg.peerDependencies?.['@argus/core']).toBe('workspace:^');
      expect(p.pkg.devDependencies?.['@argus/core']).toBe('workspace:*');
      expect(p.pkg.dependencies?.['@argus/core']).toBeUndefined();
    },
  );

  it.each(publishable.map((p) => [p.pkg.name, p] as const))(
    '%s exports only "." and "./package.json", ESM + CJS with types',
    (_n, p) => {
      expect(Object.keys(p.pkg.exports)).toEqual(['.', './package.json']);
      const dot = p.pkg.exports['.'];
      expect(dot.import.types).toMatch(/\.d\.ts$/);
      expect(dot.require.types).toMatch(/\.d\.cts$/);
      expect(dot.require.default).toMatch(/\.cjs$/);
    },
  );

  it.each(publishable.map((p) => [p.pkg.name, p] as const))(
    '%s has a README, tests, and a src/index.ts without export *',
    (_n, p) => {
      const dir = join(root, 'packages', p.dir);
      expect(existsSync(join(dir, 'README.md'))).toBe(true);
      const tests = existsSync(join(dir, 'test'))
        ? sources(join(dir, 'test')).filter((f) => f.endsWith('.test.ts'))
        : [];
      expect(tests.length).toBeGreaterThan(0);
      const index = readFileSync(join(dir, 'src', 'index.ts'), 'utf8');
      expect(index).not.toMatch(/export \* from/);
    },
  );

  it.each(publishable.map((p) => [p.pkg.name, p] as const))(
    "%s never imports another package's internals",
    (_n, p) => {
      for (const file of sources(join(root, 'packages', p.dir, 'src'))) {
        const text = readFileSync(file, 'utf8');
        expect(text, file).not.toMatch(/from '@argus\/[a-z-]+\/(src|dist)/);
        expect(text, file).not.toMatch(/from '\.\.\/\.\.\/[a-z-]+\//);
      }
    },
  );

  it('core depends on nothing but zod, eventemitter3 and the Standard Schema types', () => {
    const core = packages.find((p) => p.pkg.name === '@argus/core')!;
    expect(Object.keys(core.pkg.dependencies).sort()).toEqual([
      '@standard-schema/spec',
      'eventemitter3',
      'zod',
    ]);
  });

  it('no plugin package is a dependency of core', () => {
    const core = packages.find((p) => p.pkg.name === '@argus/core')!;
    const all = { ...core.pkg.dependencies, ...core.pkg.devDependencies, ...core.pkg.peerDependencies };
    expect(Object.keys(all).filter((d) => d.startsWith('@argus/'))).toEqual([]);
  });
});
