import type { Logger, Pipeline } from '@argus/core';
import type { Io } from './format.js';

/** A logger writing `argus <level>: …` lines to the CLI's stderr, from `warn` up unless verbose. */
export function ioLogger(io: Io, verbose = false): Logger {
  const write =
    (level: string, on: boolean) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!on) return;
      const tail = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
      io.stderr(`argus ${level}: ${msg}${tail}\n`);
    };
  return {
    debug: write('debug', verbose),
    info: write('info', verbose),
    warn: write('warn', true),
    error: write('error', true),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Error ? x.message : x));
  } catch {
    return '[unserialisable]';
  }
}

/** How long to run and what ends the run. */
export interface RunOptions {
  /** Seconds to run; undefined runs until SIGINT/SIGTERM. */
  durationS?: number | undefined;
  /** Deadline of the graceful stop. @default 10000 */
  stopTimeoutMs?: number;
  /** Called once the pipeline runs (for banners, and to start a server over it); a rejection stops the run. */
  onStarted?: () => void | Promise<void>;
  /** Called before the pipeline stops (to close a server over it first). */
  beforeStop?: () => Promise<void>;
  /** The pipeline in force, when a reload may have replaced `p`; it is the one stopped at the end. */
  current?: () => Pipeline;
}

/** Starts the pipeline, waits for the duration or a signal, then stops it gracefully. Returns the signal, if any. */
export async function runPipeline(p: Pipeline, o: RunOptions): Promise<string | undefined> {
  await p.start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done: (reason: string | undefined) => void = () => {};
  const ended = new Promise<string | undefined>((resolve) => {
    done = resolve;
  });
  // listening before onStarted: a Ctrl-C while a server over the pipeline starts still stops gracefully
  const onSignal = (s: NodeJS.Signals): void => done(s);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // the core's timers are unref'd so that an embedding service can exit; the CLI is the service here, and without
  // a handle of its own Node would exit as soon as the pipeline started, before any signal
  const alive = setInterval(() => {}, 2 ** 30);
  const cleanUp = (): void => {
    clearInterval(alive);
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  try {
    await o.onStarted?.();
  } catch (err) {
    cleanUp();
    await p.stop({ timeoutMs: o.stopTimeoutMs ?? 10_000 });
    throw err;
  }
  if (o.durationS !== undefined) timer = setTimeout(() => done(undefined), o.durationS * 1000);
  const reason = await ended;
  cleanUp();
  // the server goes first: nothing should read a pipeline that is being torn down
  await o.beforeStop?.();
  await (o.current?.() ?? p).stop({ timeoutMs: o.stopTimeoutMs ?? 10_000 });
  return reason;
}
