// `argus import openmetrics` (backfill a data directory) and `argus serve` (Prometheus's query API over it).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ruleGroups } from '@argus/alerting';
import {
  createEngine,
  createPromApi,
  type MetadataMap,
  nodeHandler,
  parseDuration,
  storeQueryable,
} from '@argus/promql';
import { createStore, importOpenMetrics, METADATA_FILE } from '@argus/store';
import { DEFAULT_LISTEN, DEFAULT_RETENTION } from './defaults.js';
import type { Io } from './format.js';

export { DEFAULT_LISTEN, DEFAULT_RETENTION };

export interface StoreFlags {
  dataDir: string;
  retention: string;
}

/** `--retention` in ms; throws naming the flag. */
export function retentionMs(raw: string): number {
  try {
    const ms = parseDuration(raw);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  throw new Error(`--retention must be a Prometheus duration such as 15d or 12h, got ${JSON.stringify(raw)}`);
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/** `argus import openmetrics <file> --data-dir <dir>`: all or nothing; a progress line on a TTY. */
export async function importCommand(file: string, f: StoreFlags, io: Io): Promise<number> {
  const started = Date.now();
  let last = -1;
  const summary = await importOpenMetrics({
    file,
    dataDir: f.dataDir,
    retentionMs: retentionMs(f.retention),
    ...(io.tty
      ? {
          onProgress: (done: number, total: number) => {
            const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
            if (pct === last) return;
            last = pct;
            io.stderr(`\rargus: importing ${file}: ${pct}% (${mb(done)} of ${mb(total)})`);
          },
        }
      : {}),
  });
  if (io.tty) io.stderr('\n');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  io.stdout(
    `argus: imported ${summary.samples} samples of ${summary.series} series into ${f.dataDir} in ${secs}s` +
      `${summary.duplicates ? `; ${summary.duplicates} identical repeats skipped` : ''}` +
      `${summary.outOfOrder ? `; ${summary.outOfOrder} merged behind newer data already there` : ''}` +
      `${summary.refused ? `; ${summary.refused} samples refused (older than --retention before the newest)` : ''}\n`,
  );
  return 0;
}

/** Splits `host:port` (IPv6 in brackets); a bare port listens on loopback. */
export function parseListen(raw: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(raw) ?? /^()()(\d+)$/.exec(raw);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65_535)
    throw new Error(
      `--listen must be host:port (e.g. 127.0.0.1:9090, or 0.0.0.0:9090 for all interfaces), got ${JSON.stringify(raw)}`,
    );
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

/**
 * `argus serve --data-dir <dir> [--rules <file>]…`: Prometheus's HTTP query API until SIGINT/SIGTERM; the rule
 * files run in process over the store, their recorded series and ALERTS written into it, and /api/v1/rules and
 * /api/v1/alerts show them.
 */
export async function serveCommand(
  f: StoreFlags & { listen: string; ruleFiles?: readonly string[] },
  io: Io,
): Promise<number> {
  const { host, port } = parseListen(f.listen);
  const store = createStore({ dataDir: f.dataDir, retentionMs: retentionMs(f.retention) });
  await store.open({ log: (m) => io.stderr(`argus: ${m}\n`) });
  const queryable = storeQueryable(store);
  const metaPath = join(f.dataDir, METADATA_FILE);
  const engine = createEngine({ queryable });
  const files = (f.ruleFiles ?? []).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const groups = files.length > 0 ? ruleGroups({ files, engine, appender: store }) : undefined;
  const api = createPromApi({
    engine,
    queryable,
    ...(groups
      ? { rules: (type?: 'alert' | 'record') => groups.rules(type), alerts: () => groups.alerts() }
      : {}),
    metadata: () => (existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as MetadataMap) : {}),
  });
  const server = createServer(nodeHandler(api));
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, ok);
    });
  } catch (err) {
    await store.close();
    throw new Error(`cannot listen on ${f.listen}: ${(err as Error).message}`);
  }
  groups?.start({ log: (m) => io.stderr(`argus warn: ${m}\n`) });
  const addr = server.address();
  const shown =
    typeof addr === 'object' && addr
      ? `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
      : f.listen;
  io.stderr(
    `argus: serving Prometheus's query API on http://${shown}/api/v1/ from ${f.dataDir}; Ctrl-C to stop\n`,
  );
  const signal = await new Promise<string>((ok) => {
    process.once('SIGINT', () => ok('SIGINT'));
    process.once('SIGTERM', () => ok('SIGTERM'));
  });
  groups?.stop();
  await new Promise<void>((ok) => server.close(() => ok()));
  server.closeAllConnections();
  await store.close();
  io.stderr(`argus: stopped on ${signal}\n`);
  return 0;
}
