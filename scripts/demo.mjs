#!/usr/bin/env node
// `pnpm demo`: builds the packages that are stale (all of them on the first run, so that every example works
// afterwards; nothing on later runs unless sources changed), then runs `argus demo` in this same process.
// package.json runs it with `exec`, so pnpm's child is this process and not a shell: a shell that gets Ctrl-C
// exits 130 whatever its child does, and pnpm then prints `[ELIFECYCLE] Command failed`. The CLI's bin
// handles Ctrl-C (and the copy pnpm forwards) and exits 0 after its graceful stop.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildStale } from './build-stale.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
if (!(await buildStale({ root }))) process.exit(1);
const bin = resolve(root, 'packages/cli/dist/bin.js');
process.argv = [process.argv[0], bin, 'demo', ...process.argv.slice(2)];
await import(pathToFileURL(bin).href);
