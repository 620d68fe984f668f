// Repository conventions every package keeps (STYLE.md practice 10/11), checked so they cannot drift.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
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
    '%s exports "." (and "./testing" for a contract suite) and "./package.json", ESM + CJS with types',
    (_n, p) => {
      const keys = Object.keys(p.pkg.exports);
      // `./testing` is where a package publishes the contract suite of a plugin kind it defines (the testkit
      // cannot host it without depending on that package), e.g. @argus/alerting/testing's testNotifier
      expect(keys.filter((k) => k !== './testing')).toEqual(['.', './package.json']);
      for (const entry of keys.filter((k) => k !== './package.json')) {
        const e = p.pkg.exports[entry];
        expect(e.import.types).toMatch(/\.d\.ts$/);
        expect(e.require.types).toMatch(/\.d\.cts$/);
        expect(e.require.default).toMatch(/\.cjs$/);
      }
      if (keys.includes('./testing')) expect(p.pkg.peerDependenciesMeta?.vitest?.optional).toBe(true);
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

// Every plugin a package exports runs its kind's contract suite in that package's tests. Plugins are found in
// the built declarations (run `pnpm build` first, as `pnpm test` does): an exported function or callable const
// whose return type has a `kind` of a plugin kind is a plugin factory. A test covers it when the first argument
// of a call to the matching suite (`testSource(() => prometheusSource(…))`) names it.
const SUITE: Record<string, string> = {
  source: 'testSource',
  processor: 'testProcessor',
  detector: 'testDetector',
  alerter: 'testAlerter',
  sink: 'testSink',
  notifier: 'testNotifier',
};
// Fixtures that break the contract on purpose, to test the runtime's guards: no suite can pass them.
const MISBEHAVING = new Set([
  '@argus/testkit:failingSink',
  '@argus/testkit:hangingSink',
  '@argus/testkit:hangingSource',
  '@argus/testkit:throwingDetector',
  '@argus/testkit:throwingProcessor',
  '@argus/testkit:throwingSink',
  '@argus/testkit:throwingSource',
]);

/** `name → kinds` of the plugin factories each package's entry points export. */
function exportedPlugins(): Map<string, Map<string, Set<string>>> {
  const entries: [string, string][] = [];
  for (const p of publishable) {
    for (const target of Object.values(p.pkg.exports) as { import?: { types?: string } }[]) {
      const types = target?.import?.types;
      if (types) entries.push([p.pkg.name, join(root, 'packages', p.dir, types)]);
    }
  }
  for (const [, f] of entries) if (!existsSync(f)) throw new Error(`${f} is missing: run pnpm build first`);
  const program = ts.createProgram(
    entries.map((e) => e[1]),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  const out = new Map<string, Map<string, Set<string>>>();
  for (const [pkg, file] of entries) {
    const sf = program.getSourceFile(file)!;
    const found = out.get(pkg) ?? new Map<string, Set<string>>();
    out.set(pkg, found);
    for (const sym of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      if (!(target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))) continue;
      for (const sig of checker.getTypeOfSymbolAtLocation(target, sf).getCallSignatures()) {
        const kind = checker.getReturnTypeOfSignature(sig).getProperty('kind');
        if (!kind) continue;
        const t = checker.getTypeOfSymbolAtLocation(kind, sf);
        for (const k of t.isUnion() ? t.types : [t]) {
          if (k.isStringLiteral() && SUITE[k.value]) {
            found.set(sym.name, (found.get(sym.name) ?? new Set()).add(k.value));
          }
        }
      }
    }
  }
  return out;
}

/** `suite → identifiers named in its first argument` over a package's test files. */
function suiteCalls(dir: string): Map<string, Set<string>> {
  const calls = new Map<string, Set<string>>();
  const testDir = join(root, 'packages', dir, 'test');
  if (!existsSync(testDir)) return calls;
  for (const file of sources(testDir)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments[0]) {
        const suite = node.expression.text;
        if (Object.values(SUITE).includes(suite)) {
          const named = calls.get(suite) ?? new Set<string>();
          calls.set(suite, named);
          const collect = (n: ts.Node): void => {
            if (ts.isIdentifier(n)) named.add(n.text);
            n.forEachChild(collect);
          };
          collect(node.arguments[0]);
        }
      }
      node.forEachChild(visit);
    };
    visit(sf);
  }
  return calls;
}

describe('contract suites', () => {
  const plugins = exportedPlugins();

  it('finds plugin factories of every kind in the built packages', () => {
    const kinds = new Set([...plugins.values()].flatMap((m) => [...m.values()].flatMap((k) => [...k])));
    expect([...kinds].sort()).toEqual(Object.keys(SUITE).sort());
  });

  it.each(publishable.map((p) => [p.pkg.name, p] as const))(
    '%s runs the matching contract suite for every plugin it exports',
    (name, p) => {
      const calls = suiteCalls(p.dir);
      const missing: string[] = [];
      for (const [factory, kinds] of plugins.get(name) ?? []) {
        if (MISBEHAVING.has(`${name}:${factory}`)) continue;
        for (const kind of kinds) {
          if (!calls.get(SUITE[kind]!)?.has(factory)) missing.push(`${SUITE[kind]}(() => ${factory}(…))`);
        }
      }
      expect(missing, `add these to ${p.dir}/test (a contract.test.ts)`).toEqual([]);
    },
  );
});
