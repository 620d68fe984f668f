import type { Pipeline } from './pipeline/pipeline.js';

/**
 * Opt-in: stops the pipeline on SIGTERM/SIGINT (draining and flushing under `timeoutMs`), then exits.
 * Never installed implicitly — the host service owns its signals. Returns a function that removes the hooks.
 */
export function installShutdownHooks(
  pipeline: Pipeline,
  options: { timeoutMs?: number; exit?: boolean } = {},
): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    void pipeline.stop({ timeoutMs: options.timeoutMs ?? 10_000 }).finally(() => {
      if (options.exit ?? true) process.kill(process.pid, signal);
    });
    remove();
  };
  const remove = (): void => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
  return remove;
}
