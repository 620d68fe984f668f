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
  /** Called once the pipeline runs (for banners). */
  onStarted?: () => void;
}

/** Starts the pipeline, waits for the duration or a signal, then stops it gracefully. Returns the signal, if any. */
export async function runPipeline(p: Pipeline, o: RunOptions): Promise<string | undefined> {
  await p.start();
  o.onStarted?.();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onSignal: ((s: NodeJS.Signals) => void) | undefined;
  // the core's timers are unref'd so that an embedding service can exit; the CLI is the service here, and without
  // a handle of its own Node would exit as soon as the pipeline started, before any signal
  const alive = setInterval(() => {}, 2 ** 30);
  const reason = await new Promise<string | undefined>((resolve) => {
    onSignal = (s) => resolve(s);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (o.durationS !== undefined) timer = setTimeout(() => resolve(undefined), o.durationS * 1000);
  });
  clearInterval(alive);
  if (timer) clearTimeout(timer);
  if (onSignal) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await p.stop({ timeoutMs: o.stopTimeoutMs ?? 10_000 });
  return reason;
}
