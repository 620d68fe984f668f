import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineSource, type Emit, type PluginContext, type Source } from '@argus/core';
import { z } from 'zod';
import { createRemoteWriteHandler } from './receive-handler.js';

/** Options of {@link remoteWriteReceiver}. */
export interface RemoteWriteReceiverOptions {
  /** Plugin name, unique in the pipeline. @default 'remote-write-receiver' */
  name?: string;
  /** Address to listen on. @default { host: '127.0.0.1', port: 9201 } */
  listen?: { host?: string; port?: number };
  /** Path Prometheus's `remote_write.url` points at. @default '/api/v1/write' */
  path?: string;
  /** Largest accepted request body (compressed), bytes. @default 10485760 */
  maxBodyBytes?: number;
  /** Largest uncompressed `WriteRequest`, bytes. @default 67108864 */
  maxDecodedBytes?: number;
  /** Require `Authorization: Bearer <token>` (Prometheus: `remote_write.authorization.credentials`). */
  token?: string;
}

/** The receiver, with the address it listens on once started. */
export interface RemoteWriteReceiver extends Source {
  /** `http://host:port/path` once listening, else `undefined`. */
  url(): string | undefined;
}

type Parsed = Required<Omit<RemoteWriteReceiverOptions, 'listen' | 'token'>> & {
  listen: { host: string; port: number };
  token?: string | undefined;
};

/** Schema of {@link RemoteWriteReceiverOptions}. */
export const remoteWriteReceiverOptions: z.ZodType<Parsed, RemoteWriteReceiverOptions> = z.strictObject({
  name: z.string().default('remote-write-receiver').describe('Plugin name, unique in the pipeline'),
  listen: z
    .strictObject({
      host: z.string().default('127.0.0.1').describe('Interface to bind'),
      port: z.number().int().min(0).max(65535).default(9201).describe('Port; 0 picks a free one'),
    })
    .default({ host: '127.0.0.1', port: 9201 })
    .describe('Address to listen on'),
  path: z.string().startsWith('/').default('/api/v1/write').describe('Path remote_write posts to'),
  maxBodyBytes: z.number().int().positive().default(10_485_760).describe('Largest compressed body, bytes'),
  maxDecodedBytes: z
    .number()
    .int()
    .positive()
    .default(67_108_864)
    .describe('Largest uncompressed request, bytes'),
  token: z
    .string()
    .min(16, 'at least 16 characters (e.g. openssl rand -hex 24)')
    .optional()
    .describe('Bearer token'),
});

function create(o: Parsed): Omit<RemoteWriteReceiver, 'kind' | 'apiVersion'> {
  let server: Server | undefined;
  let emitFn: Emit | undefined;
  const address = (s: Server): string =>
    `http://${o.listen.host}:${(s.address() as AddressInfo).port}${o.path}`;
  return {
    name: o.name,
    async start(ctx: PluginContext): Promise<void> {
      const handler = createRemoteWriteHandler({
        series: ctx.series,
        // read at each request: undefined before listen() and after stop(), which answers 503
        emit: (batch) => (emitFn ? emitFn(batch) : Promise.resolve(false)),
        maxBodyBytes: o.maxBodyBytes,
        maxDecodedBytes: o.maxDecodedBytes,
        log: ctx.log,
        ...(o.token === undefined ? {} : { token: o.token }),
      });
      const s = createServer((req, res) => {
        if (new URL(req.url ?? '/', 'http://x').pathname === o.path) return handler(req, res);
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`remote_write goes to ${o.path}\n`);
      });
      s.requestTimeout = 30_000;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject).listen(o.listen.port, o.listen.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      ctx.log.info(`${o.name}: receiving remote_write on ${address(s)}`);
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

/**
 * Receives Prometheus remote-write 1.0 (Prometheus agents, Grafana Agent, vmagent…) on its own small HTTP listener:
 * each request becomes one metric batch; staleness markers become stale samples; native histograms are skipped.
 * To mount the receiver on a server you already run, use {@link createRemoteWriteHandler} instead.
 * @example
 * remoteWriteReceiver({ listen: { port: 9201 } }) // prometheus.yml: remote_write: [{ url: http://argus:9201/api/v1/write }]
 */
export function remoteWriteReceiver(options: RemoteWriteReceiverOptions = {}): RemoteWriteReceiver {
  return defineSource({ name: 'remote-write-receiver', options: remoteWriteReceiverOptions, create })(
    options,
  ) as RemoteWriteReceiver;
}
