// No import circle between source files, in a package or across packages (type-only imports included: a
// circle of types is still a circle a reader has to untangle). Imports are read with TypeScript's own
// pre-processor and resolved the way the packages do: `./x.js` → `./x.ts` or `./x/index.ts`, and
// `@argus/<pkg>` (or `@argus/<pkg>/<entry>`) → that package's `src/index.ts` (or `src/<entry>.ts`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => existsSync(c));
}

/** The source file an import specifier names, or undefined for anything outside the repository's sources. */
function resolveImport(from: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const base = resolve(dirname(from), spec).replace(/\.(m?js|ts)$/, '');
    return firstExisting([`${base}.ts`, join(base, 'index.ts')]);
  }
  const m = /^@argus\/([a-z0-9-]+)(?:\/(.+))?$/.exec(spec);
  if (!m) return undefined;
  const src = join(root, 'packages', m[1]!, 'src');
  return m[2] ? firstExisting([join(src, `${m[2]}.ts`), join(src, m[2], 'index.ts')]) : join(src, 'index.ts');
}

/** Import graph of the given files: file → the repository source files it imports. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((i) => resolveImport(f, i.fileName))
      .filter((d): d is string => d !== undefined);
    graph.set(f, [...new Set(deps)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('import circles', () => {
  it('finds a planted circle (the checker itself works)', () => {
    const a = join(root, 'packages/core/src/a.ts');
    const b = join(root, 'packages/core/src/b.ts');
    const c = join(root, 'packages/core/src/c.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, [a]],
        ]),
      ),
    ).toEqual([[a, b, c]]);
    expect(cycles(new Map([[a, [b]]]))).toEqual([]);
  });

  it('resolves relative and cross-package imports to source files', () => {
    const from = join(root, 'packages/core/src/pipeline/wiring.ts');
    expect(resolveImport(from, './stage.js')).toBe(join(root, 'packages/core/src/pipeline/stage.ts'));
    expect(resolveImport(from, '@argus/core')).toBe(join(root, 'packages/core/src/index.ts'));
    expect(resolveImport(from, 'zod')).toBeUndefined();
  });

  it('no source file of any package is part of an import circle', () => {
    const packages = readdirSync(join(root, 'packages')).filter((d) =>
      existsSync(join(root, 'packages', d, 'src')),
    );
    const files = packages.flatMap((d) => tsFiles(join(root, 'packages', d, 'src')));
    expect(files.length).toBeGreaterThan(100);
    const found = cycles(importGraph(files)).map((c) => c.map((f) => relative(root, f)));
    expect(found).toEqual([]);
  });
});
