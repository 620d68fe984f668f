#!/usr/bin/env node
// `pnpm demo`: builds the stale packages the CLI needs (on the first run about half of them; nothing on later runs
// unless sources changed), runs `argus demo` in this same process, and builds the other stale packages in the
// background meanwhile, quietly, so that every example works afterwards. A background build cut short (Ctrl-C
// reaches the whole process group) is finished by the next `pnpm demo` or by an example's own start script.
// package.json runs it with `exec`, so pnpm's child is this process and not a shell: a shell that gets Ctrl-C
// exits 130 whatever its child does, and pnpm then prints `[ELIFECYCLE] Command failed`. The CLI's bin
// handles Ctrl-C (and the copy pnpm forwards) and exits 0 after its graceful stop.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildStale } from './build-stale.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
if (!(await buildStale({ root, select: ['@argus/cli'] }))) process.exit(1);
// The web UI is private (never published) and only a devDependency of the CLI, so it is named here. It builds in
// the background too, not before the demo: the first run shows the API (the banner says the UI is not built yet),
// and the runs after it the UI as well.
const rest = spawn(process.execPath, [resolve(root, 'scripts/build-stale.mjs'), '*', '@argus/ui'], {
  cwd: root,
  stdio: 'ignore',
});
rest.on('error', () => {}); // nothing to report: the examples' start scripts build what is still missing
rest.unref();
const bin = resolve(root, 'packages/cli/dist/bin.js');
process.argv = [process.argv[0], bin, 'demo', ...process.argv.slice(2)];
await import(pathToFileURL(bin).href);
