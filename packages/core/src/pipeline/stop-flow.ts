import { saveSnapshots, stopAll } from './lifecycle.js';
import type { Pipeline } from './pipeline.js';

/**
 * Shutdown against the data flow, under one deadline `signal`: stop sources (their in-flight poll finishes),
 * drain the stage, flush processors, let asynchronous judges finish, save state, drain and flush sinks, then
 * stop the rest. When the deadline passes, the force signal aborts what is left and it is dropped (counted).
 */
export async function drainAndStop(p: Pipeline, signal: AbortSignal): Promise<void> {
  const { sources, sinks, judges } = p.wiring;
  await Promise.all(sources.map((r) => r.end(signal)));
  await stopAll(p, signal, ['source']);
  await raceSignal(p.idle(), signal);
  await raceSignal(
    p.enqueue(() => p.wiring.stage.flushProcessors(p.now())),
    signal,
  );
  await Promise.all(judges.map((j) => j.drain(signal)));
  await raceSignal(p.idle(), signal);
  await saveSnapshots(p);
  await Promise.all(sinks.map((s) => s.drain(signal)));
  if (signal.aborted) p.forceCtl.abort(signal.reason);
  for (const j of judges) j.abandon();
  for (const s of sinks) s.close();
  await stopAll(p, signal, ['sink', 'alerter', 'detector', 'processor']);
  p.telemetry.flushDrops();
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
