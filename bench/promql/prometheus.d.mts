import type { StartServerOptions } from '@argus/testkit';

/** Writes Prometheus TSDB blocks for the OpenMetrics text file `file` into `tsdbPath` (promtool's backfill). */
export function createBlocks(file: string, tsdbPath: string): void;

/** startServer options for `prometheus` serving the blocks in `tsdbPath` on a free port of 127.0.0.1. */
export function prometheusOverBlocks(
  tsdbPath: string,
  options?: { readonly timeoutMs?: number },
): StartServerOptions;
