#!/usr/bin/env node
import { main } from './main.js';

// Ctrl-C reaches the CLI twice under a package manager: once from the terminal (the whole foreground process
// group gets SIGINT) and once forwarded by pnpm to its child. The command's own handler stops the pipeline on
// the first; this listener keeps the duplicate from killing the process halfway through that graceful stop (it
// would then die by signal and pnpm would print `[ELIFECYCLE] Command failed`). A second Ctrl-C pressed later
// still quits at once, and with no command listening (validate, help) SIGINT quits as it always does.
const DUPLICATE_WINDOW_MS = 1000;
let firstInterrupt: number | undefined;
process.on('SIGINT', () => {
  const now = Date.now();
  const handled = process.listenerCount('SIGINT') > 1;
  if (firstInterrupt === undefined && handled) firstInterrupt = now;
  else if (firstInterrupt === undefined || now - firstInterrupt > DUPLICATE_WINDOW_MS) process.exit(130);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`argus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
