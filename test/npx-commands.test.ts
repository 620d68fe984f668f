// `npx <name>` runs a local bin when one is installed and otherwise fetches whatever npm has under that name:
// `npx argus` once fetched an unrelated public package. No doc may send a user there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = new URL('..', import.meta.url).pathname;
const ours = new Set(
  readdirSync(join(repo, 'packages'))
    .filter((d) => existsSync(join(repo, 'packages', d, 'package.json')))
    .map(
      (d) =>
        (JSON.parse(readFileSync(join(repo, 'packages', d, 'package.json'), 'utf8')) as { name: string })
          .name,
    ),
);

function docs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...docs(p));
    else if (e.name.endsWith('.md') && e.name !== 'CHANGELOG.md') out.push(p);
  }
  return out;
}

// the code in a markdown text: fenced blocks and inline code, where commands to run are written
const code = (md: string): string =>
  [...md.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2]).join('\n');
// `npx [flags] <package>`: the package (a version or tag stripped) is what npx resolves
const npxCalls = (md: string): string[] =>
  [...code(md).matchAll(/\bnpx\s+(?:--?[\w-]+(?:=\S+)?\s+)*(@?[\w./-]+)/g)].map((m) =>
    m[1]!.replace(/(.)@.*$/, '$1'),
  );

describe('npx commands in the docs', () => {
  it.each(docs(repo).map((f) => [relative(repo, f), f]))(
    '%s names only our packages or local bins',
    (name, file) => {
      // a package's README is read on npm, where nothing is installed: there only our scoped packages are safe
      const published = name.startsWith('packages/');
      for (const pkg of npxCalls(readFileSync(file, 'utf8'))) {
        const safe = pkg.startsWith('@argus/')
          ? ours.has(pkg)
          : !published && existsSync(join(repo, 'node_modules', '.bin', pkg));
        expect(safe, `${name}: \`npx ${pkg}\` would fetch a package from npm`).toBe(true);
      }
    },
  );

  it('`npx argus` and `pnpm exec argus` run the workspace CLI in a clone, without fetching anything', () => {
    for (const [cmd, args] of [
      ['npx', ['--offline', 'argus', '--help']],
      ['pnpm', ['exec', 'argus', '--help']],
    ] as const) {
      const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: argus <command>/);
    }
  }, 120_000);
});
