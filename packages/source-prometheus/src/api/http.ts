import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock } from '@argus/core';

/** TLS settings for an https endpoint (PEM text, not paths). */
export interface TlsOptions {
  /** CA certificate(s) to trust instead of the system store. */
  ca?: string;
  /** Client certificate and key, for mutual TLS. */
  cert?: string;
  key?: string;
  /** Name to verify the server certificate against (SNI), when it differs from the URL's host. */
  serverName?: string;
  /** Accept any server certificate. For tests only. @default false */
  insecureSkipVerify?: boolean;
}

/** A finished HTTP exchange. */
export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Options of {@link send}. */
export interface SendOptions {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Times `timeoutMs`. */
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly tls?: TlsOptions | undefined;
  /** Most bytes of response to accept. */
  readonly maxBytes: number;
}

/** Raised for failures below HTTP (refused, reset, timeout, TLS); always worth a retry except an abort. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly aborted = false,
  ) {
    super(message);
  }
}

/**
 * One HTTP(S) request with node:http, so TLS options (CA, client certificate, SNI) work without extra
 * dependencies. Resolves for any status; rejects with {@link TransportError} below HTTP.
 */
export function send(url: URL, o: SendOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (o.signal.aborted) return reject(new TransportError('aborted', true));
    const tls = o.tls ?? {};
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: o.method,
      headers: o.headers,
      ...(url.protocol === 'https:'
        ? {
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            servername: tls.serverName,
            rejectUnauthorized: !tls.insecureSkipVerify,
          }
        : {}),
    });
    const fail = (err: TransportError): void => {
      o.clock.clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const timer = o.clock.setTimeout(
      () => fail(new TransportError(`timed out after ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
    const onAbort = (): void => fail(new TransportError('aborted', true));
    o.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => fail(new TransportError(err.code ?? err.message)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) fail(new TransportError(`response larger than ${o.maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('error', (err: NodeJS.ErrnoException) => fail(new TransportError(err.code ?? err.message)));
      res.on('end', () => {
        o.clock.clearTimeout(timer);
        o.signal.removeEventListener('abort', onAbort);
        const contentType = String(res.headers['content-type'] ?? '');
        resolve({ status: res.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(o.body);
  });
}
