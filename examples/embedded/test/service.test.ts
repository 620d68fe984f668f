import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const here = new URL('..', import.meta.url).pathname;
const root = join(here, '..', '..');
const readmeExample = (): string => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = readme.match(/<!-- embed-example -->\s*```ts\n([\s\S]*?)```/);
  if (!m) throw new Error('README.md has no ```ts block after <!-- embed-example -->');
  return m[1]!;
};
const cwd = mkdtempSync(join(tmpdir(), 'argus-embedded-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("the README's embed example", () => {
  it('is exactly examples/embedded/service.ts', () => {
    expect(readFileSync(join(here, 'service.ts'), 'utf8')).toBe(readmeExample());
  });

  it('type-checks against the published types', () => {
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const r = spawnSync(tsc, ['--noEmit', '-p', join(here, 'tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs, keeps state in .argus/state, and exits cleanly by itself after SIGTERM', async () => {
    const jiti = join(here, 'node_modules', '.bin', 'jiti');
    const child = spawn(jiti, [join(here, 'service.ts')], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = Date.now() + 30_000;
    while (!existsSync(join(cwd, '.argus', 'state')) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2500)); // a few polls
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000)),
    ]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(output).not.toMatch(/error|warn/i);
    expect(code).toBe(0);
    expect(existsSync(join(cwd, '.argus', 'state'))).toBe(true);
  });
});
