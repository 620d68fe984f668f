// Every config example in the docs is a config the CLI accepts, every worked plugin included in a doc is the
// file the suite tests, and the builtins table names every builtin the CLI offers. Docs cannot drift silently.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtins } from '../packages/cli/src/config/builtins.js';
import { main } from '../packages/cli/src/index.js';

const root = new URL('..', import.meta.url).pathname;

function markdownFiles(): string[] {
  const inDir = (dir: string, depth: number): string[] =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
          if (e.isFile() && e.name.endsWith('.md')) return [join(dir, e.name)];
          if (e.isDirectory() && depth > 0 && e.name !== 'node_modules')
            return inDir(join(dir, e.name), depth - 1);
          return [];
        })
      : [];
  return ['README.md', ...inDir('docs', 1), ...inDir('packages', 1), ...inDir('examples', 1)];
}

interface Block {
  file: string;
  line: number;
  lang: string;
  body: string;
  /** The path named by an `<!-- include: path -->` line right above the block. */
  include?: string;
}

function blocks(file: string): Block[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Block[] = [];
  for (const m of text.matchAll(/(?:<!-- include: (\S+) -->\n)?^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ file, line, lang: m[2]!, body: m[3]!, ...(m[1] ? { include: m[1] } : {}) });
  }
  return out;
}

const all = markdownFiles().flatMap(blocks);
const isConfig = (b: Block): boolean =>
  (['yaml', 'yml'].includes(b.lang) && /^sources:/m.test(b.body)) ||
  (b.lang === 'ts' && b.body.includes('defineConfig('));
const configs = all.filter(isConfig);

// a folder where a config finds the workspace's packages as it would find installed ones ("next to the config")
const dir = mkdtempSync(join(tmpdir(), 'argus-docs-'));
mkdirSync(join(dir, 'node_modules', '@argus'), { recursive: true });
for (const pkg of readdirSync(join(root, 'packages'))) {
  const manifest = join(root, 'packages', pkg, 'package.json');
  if (!existsSync(manifest)) continue;
  const name = JSON.parse(readFileSync(manifest, 'utf8')).name as string;
  if (name.startsWith('@argus/'))
    symlinkSync(join(root, 'packages', pkg), join(dir, 'node_modules', name), 'dir');
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config examples in the docs', () => {
  it('finds the examples (so the checks below cannot pass on nothing)', () => {
    expect(configs.filter((b) => b.file === 'docs/configuration.md').map((b) => b.lang)).toEqual([
      'yaml',
      'ts',
    ]);
  });

  it.each(configs.map((b) => [`${b.file}:${b.line} (${b.lang})`, b] as const))(
    '%s validates',
    async (_, b) => {
      const file = join(dir, b.lang === 'ts' ? `argus-${b.line}.config.ts` : `argus-${b.line}.yaml`);
      writeFileSync(file, b.body);
      let out = '';
      const code = await main(['validate', file], {
        color: false,
        stdout: (t) => void (out += t),
        stderr: (t) => void (out += t),
      });
      expect(out).toMatch(/: OK \(/);
      expect(code).toBe(0);
    },
  );
});

describe('code included in the docs', () => {
  const included = all.filter((b) => b.include);

  it('finds the worked detector and alerter in the plugin guide', () => {
    expect(included.filter((b) => b.file === 'docs/writing-a-plugin.md').map((b) => b.include)).toEqual([
      'docs/examples/src/jump-detector.ts',
      'docs/examples/src/threshold-alerter.ts',
      'docs/examples/test/contract.test.ts',
    ]);
  });

  it.each(included.map((b) => [`${b.file}:${b.line} includes ${b.include}`, b] as const))(
    '%s verbatim',
    (_, b) => {
      expect(b.body).toBe(readFileSync(join(root, b.include!), 'utf8'));
    },
  );
});

describe('the builtins table of docs/configuration.md', () => {
  it('names every builtin the CLI offers, and nothing else', async () => {
    const text = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
    const table = text.slice(text.indexOf('### Builtins'), text.indexOf('### Third-party plugins'));
    const named = [...table.matchAll(/^\| (.+?) \| (\w+) \|/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => `${n[1]} (${m[2]})`),
    );
    const offered = Object.entries(await builtins()).map(([name, b]) => `${name} (${b.kind})`);
    expect(named.sort()).toEqual(offered.sort());
  });
});
