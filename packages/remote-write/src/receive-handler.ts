import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, type MetricBatch, MetricBatchBuilder, type SeriesRegistry } from '@argus/core';
import { uncompress } from 'snappyjs';
import { authorize, collect, Rejection, tokenDigest } from './http-body.js';
import { type DecodedSeries, decodeWriteRequest } from './read-request.js';

/** Options of {@link createRemoteWriteHandler}. */
export interface RemoteWriteHandlerOptions {
  /** Registry the received label sets are interned in (a push source passes its pipeline's). */
  series: SeriesRegistry;
  /** Hands a batch to the pipeline; `false` means it no longer accepts data (answered 503, so the sender retries). */
  emit(batch: MetricBatch): Promise<boolean>;
  /** Largest accepted request body (snappy-compressed), bytes; larger gets 413. @default 10485760 */
  maxBodyBytes?: number;
  /** Largest uncompressed `WriteRequest`, bytes, checked against snappy's declared length before decompressing. @default 67108864 */
  maxDecodedBytes?: number;
  /** When set, requests must carry `Authorization: Bearer <token>` (401 without, 403 when wrong). */
  token?: string;
  /** Where rejected requests are reported (never with the token). */
  log?: Logger;
}

/** A `node:http` request handler: mount it on any server, at any path. */
export type RemoteWriteHandler = (req: IncomingMessage, res: ServerResponse) => void;

// snappy's block format opens with the uncompressed length as a varint: reading it first means a small body that
// claims gigabytes is refused before any buffer is allocated for it
function declaredLength(body: Uint8Array): number {
  let n = 0;
  for (let i = 0, mul = 1; i < 5 && i < body.length; i++, mul *= 128) {
    n += (body[i]! & 0x7f) * mul;
    if (body[i]! < 0x80) return n;
  }
  throw new Rejection(400, 'body is not snappy block format (bad length header)');
}

function decode(body: Uint8Array, maxDecoded: number): DecodedSeries[] {
  const declared = declaredLength(body);
  if (declared > maxDecoded) {
    throw new Rejection(
      413,
      `uncompressed WriteRequest of ${declared} bytes over maxDecodedBytes (${maxDecoded})`,
    );
  }
  let raw: Uint8Array;
  try {
    raw = uncompress(body, maxDecoded);
  } catch (err) {
    throw new Rejection(400, `body is not snappy block format: ${(err as Error).message}`);
  }
  try {
    return decodeWriteRequest(raw);
  } catch (err) {
    throw new Rejection(400, (err as Error).message);
  }
}

/** Turns decoded series into one columnar batch; Prometheus staleness markers become stale samples. */
export function toMetricBatch(decoded: readonly DecodedSeries[], series: SeriesRegistry): MetricBatch {
  const b = new MetricBatchBuilder(decoded.reduce((n, s) => n + s.values.length, 0));
  for (const s of decoded) {
    if (s.values.length === 0) continue;
    const id = series.intern(s.labels);
    for (let i = 0; i < s.values.length; i++) b.push(id, s.timestamps[i]!, s.values[i]!, s.stale[i] === 1);
  }
  return b.build();
}

async function handle(
  o: RemoteWriteHandlerOptions,
  token: Buffer | undefined,
  req: IncomingMessage,
): Promise<number> {
  if (req.method !== 'POST') throw new Rejection(405, 'only POST');
  authorize(req, token, 'remote_write.authorization.credentials');
  const encoding = String(req.headers['content-encoding'] ?? '');
  if (encoding.toLowerCase() !== 'snappy') throw new Rejection(415, 'Content-Encoding must be snappy');
  const body = await collect(req, o.maxBodyBytes ?? 10_485_760);
  const batch = toMetricBatch(decode(body, o.maxDecodedBytes ?? 67_108_864), o.series);
  if (batch.length > 0 && !(await o.emit(batch)))
    throw new Rejection(503, 'not accepting samples (shutting down)');
  return batch.length;
}

/**
 * The Prometheus remote-write 1.0 receiver as a plain `node:http` handler: snappy protobuf `WriteRequest` in,
 * one metric batch per request out; 204 once the pipeline took it, 400/413/415 with a message saying what is wrong,
 * 503 while shutting down (Prometheus retries 5xx, so nothing is lost across a restart).
 * @example
 * const handler = createRemoteWriteHandler({ series: ctx.series, emit });
 * http.createServer((req, res) => (req.url === '/api/v1/write' ? handler(req, res) : next(req, res)));
 */
export function createRemoteWriteHandler(o: RemoteWriteHandlerOptions): RemoteWriteHandler {
  const token = tokenDigest(o.token, 'createRemoteWriteHandler');
  return (req, res) => {
    handle(o, token, req).then(
      () => {
        if (!res.headersSent) res.writeHead(204).end();
      },
      (err: unknown) => {
        const status = err instanceof Rejection ? err.status : 500;
        const message = err instanceof Error ? err.message : String(err);
        o.log?.warn(`remote-write receiver: ${status} ${message}`, { remote: req.socket.remoteAddress });
        if (res.headersSent) return;
        if (status === 413) res.setHeader('connection', 'close');
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
      },
    );
  };
}
