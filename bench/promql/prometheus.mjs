// The real Prometheus over backfilled data, as both the PromQL benchmark (run.mjs) and the differential test
// (packages/promql/test/differential/servers.ts) run it: `promtool tsdb create-blocks-from openmetrics` writes the
// blocks, then `prometheus` serves them on 127.0.0.1 (started by @argus/testkit's startServer with these options).
import { execFileSync } from 'node:child_process';

/** Writes Prometheus TSDB blocks for the OpenMetrics text file `file` into `tsdbPath` (promtool's backfill). */
export function createBlocks(file, tsdbPath) {
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, tsdbPath], { stdio: 'pipe' });
}

/**
 * startServer options for `prometheus` serving the blocks in `tsdbPath`: scrapes nothing to speak of (a config
 * with only a global section), keeps blocks of any age (backfilled data is old), listens on the free port.
 */
export function prometheusOverBlocks(tsdbPath, options = {}) {
  return {
    command: 'prometheus',
    debianPackage: 'prometheus',
    files: () => ({ 'prometheus.yml': 'global: { scrape_interval: 1h }\n' }),
    args: ({ port, dataDir }) => [
      `--config.file=${dataDir}/prometheus.yml`,
      `--storage.tsdb.path=${tsdbPath}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    readyPath: '/-/ready',
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
}
