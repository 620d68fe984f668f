import type { PluginKind } from '../plugin.js';
import type { JudgeRunner } from './judge-runner.js';
import type { SinkRunner } from './sink-runner.js';
import type { SourceRunner } from './source-runner.js';

/** What the shutdown sequence drives: the runners, and the pipeline steps it orders. */
export interface DrainDeps {
  readonly sources: readonly SourceRunner[];
  readonly sinks: readonly SinkRunner[];
  readonly judges: readonly JudgeRunner[];
  /** Stops the started plugins of `kinds`, in that order, under `signal`. */
  stopPlugins(kinds: PluginKind[], signal: AbortSignal): Promise<void>;
  /** Resolves when the stage's queued work is done. */
  idle(): Promise<void>;
  /** Queues the processors' flush on the stage. */
  flushProcessors(): Promise<void>;
  saveSnapshots(): Promise<void>;
  /** Aborts whatever is still running (the deadline passed). */
  force(reason: unknown): void;
  /** Reports pending drop bursts. */
  flushDrops(): void;
}

/**
 * Shutdown against the data flow, under one deadline `signal`: stop sources (their in-flight poll finishes),
 * drain the stage, flush processors, let asynchronous judges finish, save state, drain and flush sinks, then
 * stop the rest. When the deadline passes, the force signal aborts what is left and it is dropped (counted).
 */
export async function drainAndStop(d: DrainDeps, signal: AbortSignal): Promise<void> {
  const { sources, sinks, judges } = d;
  await Promise.all(sources.map((r) => r.end(signal)));
  await d.stopPlugins(['source'], signal);
  await raceSignal(d.idle(), signal);
  await raceSignal(d.flushProcessors(), signal);
  await Promise.all(judges.map((j) => j.drain(signal)));
  await raceSignal(d.idle(), signal);
  await d.saveSnapshots();
  await Promise.all(sinks.map((s) => s.drain(signal)));
  if (signal.aborted) d.force(signal.reason);
  for (const j of judges) j.abandon();
  for (const s of sinks) s.close();
  await d.stopPlugins(['sink', 'alerter', 'detector', 'processor'], signal);
  d.flushDrops();
}

function raceSignal(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    work.then(
      () => resolve(),
      () => resolve(),
    );
  });
}
