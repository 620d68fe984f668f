// A `fetch` over {@link httpRequest}, for clients written against fetch (a user may still pass their own). It
// keeps fetch's habits that callers read: a network failure rejects with TypeError('fetch failed') whose `cause`
// is Node's error (cause.code = ECONNREFUSED…), an abort rejects with the signal's reason.
import type { Agent } from 'node:http';
import { Readable } from 'node:stream';
import { type HttpTlsOptions, httpRequest } from './http-request.js';

/** `RequestInit` plus the node:http settings {@link httpFetch} understands. */
export interface HttpFetchInit extends RequestInit {
  /** Connection pool (keep-alive, TLS); default Node's global agents. */
  agent?: Agent | undefined;
  /** TLS options of an https request when no `agent` is given. */
  tls?: HttpTlsOptions | undefined;
}

function bodyOf(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('httpFetch sends string, URLSearchParams and byte bodies only');
}

/**
 * `fetch` over node:http(s): string, byte and form bodies, `redirect` (follow, manual, error), abort by
 * `init.signal`, a streamed and decompressed response body. Not supported: Request bodies, streams, FormData.
 */
export async function httpFetch(input: string | URL | Request, init: HttpFetchInit = {}): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  const headers: Record<string, string> = {};
  new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((v, k) => {
    headers[k] = v;
  });
  const body = bodyOf(init.body);
  if (typeof init.body === 'object' && init.body instanceof URLSearchParams && !headers['content-type'])
    headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  const signal = init.signal ?? (input instanceof Request ? input.signal : undefined);
  const redirect = init.redirect ?? 'follow';
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest(url, {
      method: init.method ?? (input instanceof Request ? input.method : 'GET'),
      headers,
      body,
      signal,
      agent: init.agent,
      tls: init.tls,
      maxRedirects: redirect === 'follow' ? 20 : 0,
      acceptCompressed: true,
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError('fetch failed', { cause: err });
  }
  if (redirect === 'error' && res.status >= 300 && res.status < 400 && res.headers.location !== undefined) {
    res.discard();
    throw new TypeError('fetch failed', {
      cause: new Error(`unexpected redirect to ${res.headers.location}`),
    });
  }
  const out = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  // the body is decoded already: its encoding and length no longer describe it
  if (/^\s*(x-gzip|gzip|deflate|br)\s*$/i.test(out.get('content-encoding') ?? '')) {
    out.delete('content-encoding');
    out.delete('content-length');
  }
  const empty = res.status === 204 || res.status === 304 || (init.method ?? 'GET').toUpperCase() === 'HEAD';
  if (empty) res.discard();
  const stream = empty ? null : (Readable.toWeb(res.body) as ReadableStream<Uint8Array>);
  return new Response(stream, { status: res.status, statusText: res.statusText, headers: out });
}
