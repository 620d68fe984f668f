// Shared helpers: where deploy/ is, and running a validator binary. With CI=true a missing binary fails the
// test instead of skipping it (the project's rule for real tools).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const root: string = new URL('../../..', import.meta.url).pathname;
export const deploy: string = join(root, 'deploy');

/** Whether `bin` is on PATH (or is a path that exists); throws in CI when it is not. */
export function have(bin: string): boolean {
  const found = bin.includes('/')
    ? existsSync(bin)
    : spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (!found && process.env['CI'])
    throw new Error(`${bin} is missing (CI=true): install it, see docs/deploy.md`);
  return found;
}

/** Runs a command; resolves its exit code and output together. */
export function run(bin: string, args: string[], cwd: string = root): { code: number; out: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
