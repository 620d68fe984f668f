// Outgoing HTTP over node:http(s) for plugins. Node 20's global fetch (undici) makes every later await in the
// process dearer once it has completed one request (docs/benchmarks.md: 300,000 awaits took 56–72 ms of CPU
// before a first fetch and 92–147 ms after it), so plugins on the hot path (scrape, remote write, notifiers)
// call this instead. No dependency beyond Node: core must not depend on a plugin or an HTTP library.
import {
  type Agent,
  request as httpRequestFn,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { type RequestOptions as HttpsRequestOptions, request as httpsRequestFn } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** TLS options of an https request, as `tls.connect` takes them (CA, client certificate, SNI name, versions). */
export type HttpTlsOptions = Pick<
  HttpsRequestOptions,
  'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized' | 'minVersion' | 'maxVersion'
>;

/** What {@link httpRequest} takes. */
export interface HttpRequestOptions {
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | undefined;
  /** Aborts the request and the body being read; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Connection pool; Node's global agents keep connections alive (Node ≥ 19). @default http(s).globalAgent */
  readonly agent?: Agent | undefined;
  /** TLS options for https URLs (ignored when `agent` is given: set them on the agent). */
  readonly tls?: HttpTlsOptions | undefined;
  /** Redirects followed as fetch does (303, and 301/302 after a POST, become a GET); 0 returns the 3xx. @default 20 */
  readonly maxRedirects?: number;
  /** Sends `accept-encoding: gzip, deflate` (unless the headers set one). A compressed body is always decoded. */
  readonly acceptCompressed?: boolean;
}

/** A response: status, headers, and the body as a Node stream, already decompressed. */
export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  readonly url: string;
  /** Decoded body; read it, or call {@link HttpResponse.discard}, so the connection returns to the pool. */
  readonly body: Readable;
  /** The whole body as text (UTF-8). */
  text(): Promise<string>;
  /** Drops the rest of the body. */
  discard(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * One HTTP(S) request over node:http, redirects followed as fetch follows them (the Authorization header is
 * dropped when a redirect leaves the origin). Network errors reject with Node's error (its `code` says why,
 * e.g. ECONNREFUSED); an abort rejects with the signal's reason.
 */
export async function httpRequest(
  url: string | URL,
  options: HttpRequestOptions = {},
): Promise<HttpResponse> {
  let target = new URL(url);
  let method = options.method ?? 'GET';
  let body = options.body;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
  if (options.acceptCompressed && headers['accept-encoding'] === undefined)
    headers['accept-encoding'] = 'gzip, deflate';
  const max = options.maxRedirects ?? 20;
  for (let hops = 0; ; hops++) {
    const res = await once(target, method, headers, body, options);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || location === undefined || max === 0) return wrap(res, target);
    res.resume();
    if (hops >= max) throw new Error(`too many redirects (more than ${max}) from ${target.origin}`);
    const next = new URL(location, target);
    const status = res.statusCode ?? 0;
    if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
      method = 'GET';
      body = undefined;
      delete headers['content-type'];
      delete headers['content-length'];
    }
    if (next.origin !== target.origin) delete headers['authorization'];
    target = next;
  }
}

function once(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  o: HttpRequestOptions,
  retry = true,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const signal = o.signal;
    if (signal?.aborted) return reject(signal.reason);
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:')
      return reject(new TypeError(`unsupported protocol ${url.protocol}`));
    const opts = { method, headers, ...(o.agent ? { agent: o.agent } : https ? (o.tls ?? {}) : {}) };
    const req = (https ? httpsRequestFn : httpRequestFn)(url, opts);
    let answer: IncomingMessage | undefined;
    const onAbort = (): void => {
      const reason = signal?.reason instanceof Error ? signal.reason : new Error('aborted');
      // once answered, the body's reader sees the reason (destroying the request would say only "aborted")
      if (answer) answer.destroy(reason);
      else req.destroy(reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason);
      // a kept-alive connection the server closed just as it was reused: sent again once, as undici does for
      // idempotent requests (Node's docs advise it), since nothing reached the server
      if (retry && req.reusedSocket && err.code === 'ECONNRESET' && IDEMPOTENT.has(method))
        return resolve(once(url, method, headers, body, o, false));
      reject(err);
    });
    req.on('response', (res) => {
      answer = res;
      // the abort listener stays until the body is read or dropped, so an abort also stops a slow body
      res.on('close', () => signal?.removeEventListener('abort', onAbort));
      res.on('error', () => signal?.removeEventListener('abort', onAbort));
      resolve(res);
    });
    req.end(body);
  });
}

function decoded(res: IncomingMessage): Readable {
  const enc = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const unzip =
    enc === 'gzip' || enc === 'x-gzip'
      ? createGunzip()
      : enc === 'deflate'
        ? createInflate()
        : enc === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!unzip) return res;
  res.on('error', (err) => unzip.destroy(err));
  unzip.on('close', () => {
    if (!res.complete) res.destroy();
  });
  return res.pipe(unzip);
}

function wrap(res: IncomingMessage, url: URL): HttpResponse {
  const body = decoded(res);
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    headers: res.headers,
    url: url.toString(),
    body,
    async text() {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    discard() {
      if (body !== res) body.destroy();
      res.resume();
    },
  };
}
