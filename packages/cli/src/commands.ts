import { join, resolve } from 'node:path';
import { openStateStore } from '@argus/core';
import { type Built, buildPipeline } from './config/build.js';
import { loadConfig } from './config/load.js';
import type { ListName } from './config/schema.js';
import type { Io } from './format.js';
import { ioLogger, runPipeline } from './runtime.js';

async function prepare(file: string, io: Io, withState: boolean): Promise<Built & { file: string }> {
  const loaded = await loadConfig(file);
  if (!loaded.config) return { file, problems: loaded.problems, counts: emptyCounts() };
  // only a run touches the data directory; validate does no I/O beyond reading the config
  const state =
    withState && loaded.problems.length === 0
      ? await openStateStore({
          dir: join(resolve(loaded.config.pipeline?.dataDir ?? '.argus'), 'state'),
          log: ioLogger(io),
        })
      : undefined;
  return {
    file,
    ...(await buildPipeline(loaded.config, loaded.origin, io, { state, problems: loaded.problems })),
  };
}

function emptyCounts(): Record<ListName, number> {
  return { sources: 0, processors: 0, detectors: 0, alerters: 0, sinks: 0 };
}

function summary(counts: Record<ListName, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([list, n]) => `${n} ${n === 1 ? list.slice(0, -1) : list}`)
    .join(', ');
}

function report(problems: string[], io: Io): number {
  for (const p of problems) io.stderr(`${p}\n`);
  io.stderr(`${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
  return 1;
}

/** `argus validate <config>`: loads and checks everything a run would, starts nothing. */
export async function validateConfig(file: string, io: Io): Promise<number> {
  const built = await prepare(file, io, false);
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
  const built = await prepare(file, io, true);
  if (!built.pipeline) return report(built.problems, io);
  const pipeline = built.pipeline;
  let failed = false;
  pipeline.on('state', (s) => {
    if (s === 'failed') failed = true;
  });
  const signal = await runPipeline(pipeline, {
    durationS: o.durationS,
    ...(built.stopTimeoutMs !== undefined ? { stopTimeoutMs: built.stopTimeoutMs } : {}),
    onStarted: () =>
      io.stderr(
        `argus: running ${file} (${summary(built.counts)})${o.durationS === undefined ? '; Ctrl-C to stop' : ` for ${o.durationS}s`}\n`,
      ),
  });
  io.stderr(`argus: stopped${signal ? ` on ${signal}` : ''}\n`);
  return failed ? 1 : 0;
}
