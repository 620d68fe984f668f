// The fetch handed to the `ollama` client: node:http(s) underneath, a WHATWG Response on top. Node 20's global
// fetch (undici) makes every later promise in the process dearer once it has completed one request: measured
// here (Node 20.20.2), 300,000 awaited promises took 56–72 ms of CPU before a first fetch and 92–147 ms after it,
// unchanged after a node:http request; in the pipeline that was +0.2–0.4 µs of CPU per sample with a started
// detector that never judged (docs/benchmarks.md). The client needs little of fetch: a method, headers, a string
// body, a signal, and a streamed response body.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

function responseOf(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  const status = res.statusCode ?? 500;
  const empty = status === 204 || status === 304;
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage ?? '', headers });
}

/** A fetch over node:http(s) for the `ollama` client: string bodies, streamed answers, abort by `init.signal`. */
export const httpFetch: typeof fetch = (input, init) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: init?.method ?? 'GET', headers: headersOf(init) });
    const onAbort = (): void => {
      req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    req.on('close', () => signal?.removeEventListener('abort', onAbort));
    req.on('response', (res) => resolve(responseOf(res)));
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      req.destroy(new Error('httpFetch sends string bodies only'));
      return;
    }
    req.end(body ?? undefined);
  });
