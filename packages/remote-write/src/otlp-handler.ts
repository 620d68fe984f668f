// The OTLP/HTTP metrics receiver as a plain node:http handler, answering as the OTLP/HTTP spec says:
// - POST only; Content-Type application/x-protobuf or application/json (else 415), the reply in the same encoding;
// - Content-Encoding gzip or none (else 415), sizes capped before and after gunzip (413);
// - 200 with an ExportMetricsServiceResponse once the pipeline took the batch; points that cannot be mapped are
//   reported in its `partial_success` (rejected_data_points + error_message), the rest is kept;
// - 400 with a google.rpc.Status (code 3, INVALID_ARGUMENT) for a body that does not decode: the sender must not
//   retry it;
// - 503 with a Status (code 14, UNAVAILABLE) and Retry-After while the pipeline does not accept data (before
//   start, while shutting down): OTLP exporters retry 503, so nothing is lost across a restart.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Logger, MetricBatch, SeriesRegistry } from '@argus/core';
import { authorize, collect, Rejection, tokenDigest } from './http-body.js';
import { decodeOtlpJson } from './otlp-json.js';
import type { OtlpResourceMetrics } from './otlp-model.js';
import { decodeOtlpProtobuf } from './otlp-protobuf.js';
import { otlpToMetricBatch } from './otlp-series.js';
import { varintSize, Writer } from './write-request.js';

const gunzipAsync = promisify(gunzip);

/** Options of {@link createOtlpHandler}. */
export interface OtlpHandlerOptions {
  /** Registry the received series are interned in (a push source passes its pipeline's). */
  series: SeriesRegistry;
  /** Hands a batch to the pipeline; `false` means it no longer accepts data (answered 503, so the exporter retries). */
  emit(batch: MetricBatch): Promise<boolean>;
  /** Largest accepted request body (as sent, gzip or not), bytes; larger gets 413. @default 10485760 */
  maxBodyBytes?: number;
  /** Largest body after gunzip, bytes; larger gets 413. @default 67108864 */
  maxDecodedBytes?: number;
  /** When set, requests must carry `Authorization: Bearer <token>` (401 without, 403 when wrong). */
  token?: string;
  /** Timestamp (ms) for points that carry none. @default Date.now */
  now?: () => number;
  /** Where rejected requests and rejected points are reported (never with the token). */
  log?: Logger;
}

/** A `node:http` request handler: mount it on any server, at any path (OTLP's default is `/v1/metrics`). */
export type OtlpHandler = (req: IncomingMessage, res: ServerResponse) => void;

type Encoding = 'protobuf' | 'json';

// the google.rpc.Status code each HTTP status is sent with (OTLP wants a Status body on every 4xx/5xx)
const GRPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT: the exporter does not retry
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  413: 8, // RESOURCE_EXHAUSTED
  503: 14, // UNAVAILABLE: the exporter retries
};
const INTERNAL = 13;

const utf8 = new TextEncoder();

// a message of scalar fields numbered from 1 (a string or a non-negative integer each; 0 and '' left out, as
// proto3 does), optionally wrapped as field 1 of an outer message
function protoMessage(fields: readonly (string | number)[], wrap: boolean): Uint8Array {
  const parts = fields.map((v) => (typeof v === 'string' ? utf8.encode(v) : v));
  let size = 0;
  parts.forEach((p) => {
    if (p === 0 || (typeof p !== 'number' && p.length === 0)) return;
    size += 1 + (typeof p === 'number' ? varintSize(p) : varintSize(p.length) + p.length);
  });
  const w = new Writer(wrap && size > 0 ? size + 1 + varintSize(size) : size);
  if (wrap && size > 0) {
    w.byte((1 << 3) | 2);
    w.varint(size);
  }
  parts.forEach((p, i) => {
    if (p === 0 || (typeof p !== 'number' && p.length === 0)) return;
    w.byte(((i + 1) << 3) | (typeof p === 'number' ? 0 : 2));
    if (typeof p === 'number') w.varint(p);
    else {
      w.varint(p.length);
      w.bytes(p);
    }
  });
  return w.buf;
}

function reply(
  res: ServerResponse,
  status: number,
  encoding: Encoding,
  json: object,
  proto: Uint8Array,
): void {
  const body = encoding === 'json' ? JSON.stringify(json) : proto;
  const type = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  res.writeHead(status, { 'content-type': type }).end(body);
}

function mediaType(req: IncomingMessage): Encoding {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new Rejection(415, 'Content-Type must be application/x-protobuf or application/json (OTLP/HTTP)');
}

async function body(req: IncomingMessage, maxBody: number, maxDecoded: number): Promise<Uint8Array> {
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip') {
    throw new Rejection(415, `Content-Encoding ${encoding} not supported: send gzip or none`);
  }
  const raw = await collect(req, maxBody);
  if (encoding !== 'gzip') return raw;
  try {
    return new Uint8Array(await gunzipAsync(raw, { maxOutputLength: maxDecoded }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Rejection(413, `body over maxDecodedBytes (${maxDecoded} bytes) after gunzip`);
    }
    throw new Rejection(400, `body is not gzip: ${(err as Error).message}`);
  }
}

function decode(raw: Uint8Array, encoding: Encoding): OtlpResourceMetrics[] {
  try {
    if (encoding === 'protobuf') return decodeOtlpProtobuf(raw);
    return decodeOtlpJson(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)));
  } catch (err) {
    const message = err instanceof SyntaxError ? `body is not JSON: ${err.message}` : (err as Error).message;
    throw new Rejection(400, message);
  }
}

/**
 * The OTLP/HTTP metrics receiver (OpenTelemetry's protocol, protobuf or JSON, gzip or not) as a plain `node:http`
 * handler: one metric batch per export request, mapped as OpenTelemetry's Prometheus-compatibility spec says;
 * 200 (with `partial_success` for points it cannot map), 400/413/415 for bad requests, 503 while shutting down.
 * @example
 * const handler = createOtlpHandler({ series: ctx.series, emit });
 * http.createServer((req, res) => (req.url === '/v1/metrics' ? handler(req, res) : next(req, res)));
 */
export function createOtlpHandler(o: OtlpHandlerOptions): OtlpHandler {
  const token = tokenDigest(o.token, 'createOtlpHandler');
  const now = o.now ?? Date.now;
  const warned = new Set<string>(); // one warning per kind of rejected point, not one per request
  return (req, res) => {
    let encoding: Encoding | undefined; // known once the Content-Type is: error bodies use it from then on
    const handle = async (): Promise<void> => {
      if (req.method !== 'POST') throw new Rejection(405, 'only POST');
      const e = mediaType(req);
      encoding = e;
      authorize(req, token, 'OTEL_EXPORTER_OTLP_METRICS_HEADERS=Authorization=Bearer%20<token>');
      const raw = await body(req, o.maxBodyBytes ?? 10_485_760, o.maxDecodedBytes ?? 67_108_864);
      const { batch, rejected, errors } = otlpToMetricBatch(decode(raw, encoding), o.series, now());
      if (batch.length > 0 && !(await o.emit(batch))) {
        throw new Rejection(503, 'not accepting metrics (shutting down)');
      }
      if (rejected === 0) return reply(res, 200, e, {}, new Uint8Array(0));
      const message = errors.join('; ');
      for (const e of errors) {
        if (warned.size < 100 && !warned.has(e)) {
          warned.add(e);
          o.log?.warn(`otlp receiver: points rejected: ${e}`);
        }
      }
      reply(
        res,
        200,
        e,
        { partialSuccess: { rejectedDataPoints: String(rejected), errorMessage: message } },
        protoMessage([rejected, message], true),
      );
    };
    handle().catch((err: unknown) => {
      const status = err instanceof Rejection ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      o.log?.warn(`otlp receiver: ${status} ${message}`, { remote: req.socket.remoteAddress });
      if (res.headersSent) return;
      if (status === 413) res.setHeader('connection', 'close');
      if (status === 503) res.setHeader('retry-after', '1');
      if (encoding) {
        const code = GRPC_CODE[status] ?? INTERNAL;
        return reply(res, status, encoding, { code, message }, protoMessage([code, message], false));
      }
      if (status === 405) res.setHeader('allow', 'POST');
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
    });
  };
}
