/** One phase of load: this many requests in flight at once, for this long. */
export interface LoadPhase {
  readonly name: string;
  readonly concurrency: number;
  readonly durationMs: number;
}

/** What {@link generateLoad} did. */
export interface LoadReport {
  readonly requests: number;
  readonly failures: number;
}

/**
 * Sends `GET url` with a fixed number of requests in flight, phase after phase; stops at the end of the last phase
 * or after `maxRequests`, whichever comes first. Only loopback targets: this is a demo, not a load-testing tool.
 */
export async function generateLoad(
  url: string,
  phases: readonly LoadPhase[],
  options: { maxRequests?: number; onPhase?: (phase: LoadPhase) => void } = {},
): Promise<LoadReport> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`generateLoad: ${url} is not on 127.0.0.1`);
  const max = options.maxRequests ?? 1_000_000;
  let requests = 0;
  let failures = 0;
  for (const phase of phases) {
    options.onPhase?.(phase);
    const until = Date.now() + phase.durationMs;
    const worker = async (): Promise<void> => {
      while (Date.now() < until && requests < max) {
        requests++;
        const ok = await fetch(url).then(
          async (r) => {
            await r.arrayBuffer();
            return r.ok;
          },
          () => false,
        );
        if (!ok) failures++;
      }
    };
    await Promise.all(Array.from({ length: phase.concurrency }, worker));
  }
  return { requests, failures };
}
