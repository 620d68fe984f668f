// The small HTTP listener of a push source (the remote-write and OTLP receivers): listens in start(), hands each
// request on its path to the source's handler, answers 404 elsewhere, closes in stop(). The handler's emit is
// read at each request: before listen() and after stop() it answers `false`, which the handlers turn into 503
// (the senders retry), so nothing is taken that the pipeline cannot accept.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emit, MetricBatch, PluginContext, Source } from '@argus/core';

/** A push source with the address it listens on once started. */
export interface ListeningSource extends Source {
  /** `http://host:port/path` once listening, else `undefined`. */
  url(): string | undefined;
}

/** What {@link pushListener} needs from the source that owns it. */
export interface PushListenerOptions {
  name: string;
  listen: { host: string; port: number };
  path: string;
  /** What the source receives, for the start log line ('remote_write', 'OTLP/HTTP metrics'). */
  protocol: string;
  /** Builds the request handler once the pipeline's context is known. */
  handler(ctx: PluginContext, emit: (batch: MetricBatch) => Promise<boolean>): RequestListener;
}

/** The lifecycle members of a listening push source; the caller adds nothing but its options. */
export function pushListener(o: PushListenerOptions): Omit<ListeningSource, 'kind' | 'apiVersion'> {
  let server: Server | undefined;
  let emitFn: Emit | undefined;
  const address = (s: Server): string =>
    `http://${o.listen.host}:${(s.address() as AddressInfo).port}${o.path}`;
  return {
    name: o.name,
    async start(ctx: PluginContext): Promise<void> {
      const handler = o.handler(ctx, (batch) => (emitFn ? emitFn(batch) : Promise.resolve(false)));
      const s = createServer((req, res) => {
        if (new URL(req.url ?? '/', 'http://x').pathname === o.path) return handler(req, res);
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`${o.protocol} goes to ${o.path}\n`);
      });
      s.requestTimeout = 30_000;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject).listen(o.listen.port, o.listen.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      ctx.log.info(`${o.name}: receiving ${o.protocol} on ${address(s)}`);
    },
    listen(emit: Emit): void {
      emitFn = emit;
    },
    async stop(): Promise<void> {
      const s = server;
      server = undefined;
      emitFn = undefined;
      if (!s) return;
      s.closeIdleConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    url(): string | undefined {
      return server ? address(server) : undefined;
    },
  };
}
