#!/usr/bin/env node
// `pnpm demo`: runs `argus demo` in this same process, from the CLI's dist when it is built and fresh (every run
// after the first: nothing to build, the demo shows within seconds), else from a JavaScript-only bundle of the
// CLI's sources (scripts/demo-bundle.mjs: a second or two, where building the packages takes about a minute).
// Either way the stale packages (every publishable one, and the web UI) build in the background meanwhile, quietly
// and at a low priority, so that every example works afterwards and the next run serves the UI. A background
// build cut short (Ctrl-C reaches the whole process group) is finished by the next `pnpm demo` or by an example's
// own start script.
// package.json runs it with `exec`, so pnpm's child is this process and not a shell: a shell that gets Ctrl-C
// exits 130 whatever its child does, and pnpm then prints `[ELIFECYCLE] Command failed`. The CLI's bin
// handles Ctrl-C (and the copy pnpm forwards) and exits 0 after its graceful stop.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { demoBin } from './demo-bundle.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = await demoBin(root);
if (!bin) process.exit(1);
// The web UI is private (never published) and only a devDependency of the CLI, so it is named here.
const rest = spawn(
  process.execPath,
  [resolve(root, 'scripts/build-stale.mjs'), '--low-priority', '*', '@argus/ui'],
  {
    cwd: root,
    stdio: 'ignore',
  },
);
rest.on('error', () => {}); // nothing to report: the examples' start scripts build what is still missing
rest.unref();
// the CLI's banner then says the UI is on its way (served from the next run) instead of "not built"
process.env.ARGUS_UI_BUILDING = '1';
process.argv = [process.argv[0], bin, 'demo', ...process.argv.slice(2)];
await import(pathToFileURL(bin).href);
