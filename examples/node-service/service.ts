import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The service: its HTTP server and the prom-client registry holding its metrics. */
export interface Service {
  readonly server: Server;
  readonly registry: Registry;
  /** Mounts another handler at a path (Argus's metrics at `/argus/metrics`). */
  mount(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
}

/**
 * A small API: `GET /work` calls a downstream dependency through a pool of 4 connections (each call ~5 ms), so
 * latency stays low until concurrency outgrows the pool and requests queue — the incident the load generator
 * causes. `GET /metrics` serves the service's own prom-client metrics.
 */
export function createService(): Service {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const pool = downstreamPool(4);
  const mounted = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const other = mounted.get(path);
    if (other) return other(req, res);
    if (path === '/metrics') {
      void registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return;
    }
    const end = duration.startTimer();
    const done = (status: number): void => {
      end();
      requests.inc({ route: path, status: String(status) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok\n' : 'not found\n');
    };
    if (path !== '/work') return done(404);
    void pool().then(() => done(200));
  });
  return { server, registry, mount: (path, handler) => void mounted.set(path, handler) };
}

/** A downstream dependency with `size` connections: each call holds one for 4–6 ms; the rest wait in line. */
function downstreamPool(size: number): () => Promise<void> {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return async () => {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
    await new Promise((r) => setTimeout(r, 4 + Math.random() * 2));
    release();
  };
}
