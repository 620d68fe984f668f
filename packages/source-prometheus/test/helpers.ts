import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricBatch, SeriesRegistry, Source } from '@argus/core';
import type { testContext } from '@argus/testkit';

/** A node:http server on 127.0.0.1:0 whose handler a test can swap; records request headers. */
export async function pageServer(initial: (req: IncomingMessage, res: ServerResponse) => void): Promise<{
  url: string;
  set(h: (req: IncomingMessage, res: ServerResponse) => void): void;
  requests: IncomingMessage['headers'][];
  close(): Promise<void>;
}> {
  let handler = initial;
  const requests: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    set: (h) => {
      handler = h;
    },
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Serves `body` as text 0.0.4 (or another content type). */
export const serve =
  (body: string | Buffer, type = 'text/plain; version=0.0.4; charset=utf-8') =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  };

/** One row per sample: name (plus chosen labels), value, stale. */
export interface Row {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly stale: boolean;
  readonly timestamp: number;
}

export function rows(series: SeriesRegistry, batch: MetricBatch): Row[] {
  return Array.from({ length: batch.length }, (_, i) => ({
    labels: series.labels(batch.series[i]!),
    value: batch.values[i]!,
    stale: batch.stale?.[i] === 1,
    timestamp: batch.timestamps[i]!,
  }));
}

/** Polls a source once with a fresh or given context; returns the rows and what it logged. */
export async function pollOnce(
  source: Source,
  ctx: ReturnType<typeof testContext>,
): Promise<{ rows: Row[]; warnings: string[] }> {
  const warnings: string[] = [];
  const log = { ...ctx.log, warn: (m: string) => warnings.push(m) };
  const batch = (await source.poll!({ ...ctx, log })) as MetricBatch;
  return { rows: rows(ctx.series, batch), warnings };
}

export const byName = (rs: readonly Row[], name: string): Row[] =>
  rs.filter((r) => r.labels['__name__'] === name);

/** A Prometheus config scraping itself every second and evaluating `rules.yml` every second. */
export const selfScrapeWithRules = ({ port }: { port: number }): string =>
  `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
`;

/** A label set as a comparable string (names sorted). */
export const labelKey = (labels: Record<string, string>): string =>
  JSON.stringify(Object.entries(labels).sort());

/** Seeded numbers in [0, 1) (xorshift32), so a randomised test reproduces. */
export function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
