// The small HTTP(S) listener a push source owns (remote-write, OTLP, Azure alert webhooks): listens in start(),
// hands each request on its path to the source's handler, answers 404 elsewhere, closes in stop(). The handler's
// emit is read at each request: before listen() and after stop() it answers `false`, which the handlers turn into
// 503 (the senders retry), so nothing is taken that the pipeline cannot accept.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SourceBatch } from './batch.js';
import type { Emit, PluginContext, Source } from './plugin.js';

/** A push source with the address it listens on once started. */
export interface ListeningSource extends Source {
  /** `http(s)://host:port/path` once listening, else `undefined`. */
  url(): string | undefined;
}

/** What {@link pushListener} needs from the source that owns it. */
export interface PushListenerOptions<B extends SourceBatch = SourceBatch> {
  /** The source's name, for the start log line. */
  name: string;
  listen: { host: string; port: number };
  /** The one path served; every other path gets {@link PushListenerOptions.notFound}. */
  path: string;
  /** What the source receives, for the start log line ('remote_write', 'OTLP/HTTP metrics'). */
  protocol: string;
  /** Serve HTTPS with this PEM certificate and key, read at start; plain HTTP when absent. */
  tls?: { certFile: string; keyFile: string } | undefined;
  /** The 404 answer to other paths. @default text/plain `<protocol> goes to <path>` */
  notFound?: { contentType: string; body: string } | undefined;
  /** Builds the request handler once the pipeline's context is known. */
  handler(ctx: PluginContext, emit: (batch: B) => Promise<boolean>): RequestListener;
}

/** The lifecycle members of a listening push source, from {@link pushListener}. */
export type PushListener = Omit<ListeningSource, 'kind' | 'apiVersion'>;

/**
 * The lifecycle members (`start`, `listen`, `stop`, `url`) of a push source that listens on its own port; the
 * source adds only its `create` around it.
 * @example
 * create: (o) => pushListener({ name: o.name, listen: o.listen, path: '/push', protocol: 'my format',
 *   handler: (ctx, emit) => (req, res) => { … } })
 */
export function pushListener<B extends SourceBatch = SourceBatch>(o: PushListenerOptions<B>): PushListener {
  let server: Server | undefined;
  let emitFn: Emit | undefined;
  const scheme = o.tls ? 'https' : 'http';
  const notFound = o.notFound ?? { contentType: 'text/plain', body: `${o.protocol} goes to ${o.path}\n` };
  const address = (s: Server): string =>
    `${scheme}://${o.listen.host}:${(s.address() as AddressInfo).port}${o.path}`;
  return {
    name: o.name,
    async start(ctx: PluginContext): Promise<void> {
      const handler = o.handler(ctx, (batch) => (emitFn ? emitFn(batch) : Promise.resolve(false)));
      const onRequest: RequestListener = (req, res) => {
        if (new URL(req.url ?? '/', 'http://x').pathname === o.path) return handler(req, res);
        res.writeHead(404, { 'content-type': notFound.contentType }).end(notFound.body);
      };
      const s = o.tls
        ? createHttpsServer(
            { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) },
            onRequest,
          )
        : createHttpServer(onRequest);
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
