import type { Io } from './format.js';
import { prepare, summary } from './run-prepare.js';
import { closeState } from './state-open.js';

function report(problems: string[], io: Io): number {
  for (const p of problems) io.stderr(`${p}\n`);
  io.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
  return 1;
}

/** `argus validate <config>`: loads and checks everything a run would, starts nothing. */
export async function validateConfig(file: string, io: Io): Promise<number> {
  const built = await prepare(file, io);
  if (!built.pipeline) return report(built.problems, io);
  io.stdout(`${file}: OK (${summary(built.counts)})\n`);
  return 0;
}

/** `argus run <config>`: runs the pipeline until SIGINT/SIGTERM (or `durationS`), then stops it gracefully. */
export async function runConfig(
  file: string,
  o: { durationS?: number | undefined },
  io: Io,
): Promise<number> {
  const built = await prepare(file, io, { state: 'open' });
  if (!built.pipeline) {
    await closeState(built.state);
    return report(built.problems, io);
  }
  const { runSession } = await import('./run-session.js');
  return runSession(file, { ...built, pipeline: built.pipeline }, o, io);
}
