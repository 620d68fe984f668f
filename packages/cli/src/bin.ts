#!/usr/bin/env node
import { main } from './main.js';

// Ctrl-C reaches the CLI twice under a package manager: once from the terminal (the whole foreground process
// group gets SIGINT) and once forwarded by pnpm to its child; SIGTERM sent to the group (e.g. by `timeout` or a
// container runtime) arrives twice the same way. The command's own handler stops the pipeline on the first; this
// listener keeps the duplicate from killing the process halfway through that graceful stop (it would then die by
// signal and pnpm would print `[ELIFECYCLE] Command failed`). A second signal sent later still quits at once,
// and with no command listening (validate, help) the signal quits as it always does.
const DUPLICATE_WINDOW_MS = 1000;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  let first: number | undefined;
  process.on(signal, () => {
    const now = Date.now();
    const handled = process.listenerCount(signal) > 1;
    if (first === undefined && handled) first = now;
    else if (first === undefined || now - first > DUPLICATE_WINDOW_MS) process.exit(code);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`argus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
