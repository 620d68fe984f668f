import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startExample } from '../../../test/support/example-smoke.js';
import type { Started } from '../../../test/support/processes.js';

const here = new URL('..', import.meta.url).pathname;
const root = join(here, '..', '..');
const readmeExample = (): string => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = readme.match(/<!-- embed-example -->\s*```ts\n([\s\S]*?)```/);
  if (!m) throw new Error('README.md has no ```ts block after <!-- embed-example -->');
  return m[1]!;
};
// the README's command runs in the example's folder, so its state lands there (git ignores .argus/)
const dataDir = join(here, '.argus');
let example: Started | undefined;
afterAll(async () => {
  await example?.stop('SIGKILL', 5_000);
  rmSync(dataDir, { recursive: true, force: true });
});

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

  // SIGTERM as a service manager sends it; SIGINT as Ctrl-C does, to the whole process group (pnpm included)
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'starts with its README command, serves /metrics, keeps running until %s, then saves state and exits 0',
    async (signal) => {
      rmSync(dataDir, { recursive: true, force: true });
      example = startExample(here);
      const [, url] = await example.waitFor(
        /serving (http:\/\/127\.0\.0\.1:\d+\/metrics) \(\d+ prom-client series/,
        60_000,
      );
      // alive and serving: what an early exit (the snippet alone returns at once) cannot fake
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^nodejs_heap_size_used_bytes /m);
      // a few of Argus's reads, then it must still be running: nothing in it may end the process by itself
      await new Promise((r) => setTimeout(r, 2_000));
      expect(example.running(), example.output()).toBe(true);
      example.signal(signal);
      const exit = await example.exit(20_000);
      const output = example.output();
      expect(exit, output).toEqual({ code: 0, signal: null, hung: false });
      expect(output).toMatch(
        /example-embedded: stopped; Argus's learned state: [1-9]\d* files in \S+\.argus\/state/,
      );
      expect(output).not.toMatch(/error|warn|ELIFECYCLE/i);
      expect(readdirSync(join(dataDir, 'state')).length).toBeGreaterThan(0);
    },
  );
});
