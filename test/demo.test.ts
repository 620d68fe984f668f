// README command 1 ends in `pnpm demo`. Once the packages are built it must show the demo at once, with no build
// output, and Ctrl-C (SIGINT to the whole foreground process group, pnpm included) or SIGTERM to the group (as
// `timeout` or a container runtime sends it) must end it with exit 0 and without pnpm's `[ELIFECYCLE] Command failed`.
import { join } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations; its exports are typed below
import * as script from '../scripts/build-stale.mjs';
import { start } from './support/processes.js';

const { buildStale } = script as { buildStale(o: { root: string }): Promise<boolean> };
const repo = join(new URL('..', import.meta.url).pathname);

it.each(['SIGINT', 'SIGTERM'] as const)(
  '`pnpm demo` on built packages prints no build output, and exits 0 on %s to its group with no pnpm error',
  async (sig) => {
    expect(await buildStale({ root: repo })).toBe(true);
    const demo = start('pnpm', ['demo'], { cwd: repo, env: process.env });
    try {
      await demo.waitFor(/argus demo: watching this process/, 60_000);
      // before the demo's first line: pnpm's echo of the script (`$ …`), nothing else
      const before = demo.output().slice(0, demo.output().indexOf('argus demo:'));
      expect(
        before
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('$ ')),
      ).toEqual([]);
      demo.signal(sig);
      const r = await demo.exit(30_000);
      expect(r, demo.output()).toEqual({ code: 0, signal: null, hung: false });
      expect(demo.output()).toMatch(/history: \d+ samples/); // the graceful stop ran to its end
      expect(demo.output()).not.toMatch(/ELIFECYCLE|Command failed/);
    } finally {
      await demo.stop('SIGKILL', 5_000);
    }
  },
  120_000,
);
