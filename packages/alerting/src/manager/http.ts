import { httpFetch } from '@argus/core';
import { type HttpClient, HttpClientSetupError } from './http-client.js';
import type { NotifyResult } from './model.js';

/** What {@link postJson} takes. */
export interface PostJsonOptions {
  /** The target; never appears in errors beyond its scheme and host. */
  url: string;
  /** Sent as JSON, or as is when it is a string and `contentType` is given. */
  body: unknown;
  /** The body's media type when `body` is already encoded (a form, a query-only POST). @default JSON */
  contentType?: string;
  /** `GET` sends no body. @default 'POST' */
  method?: 'POST' | 'PUT' | 'GET';
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** The receiver's HTTP client (`ctx.http`): TLS, proxy and `http_config` credentials. @default core's httpFetch (node:http) */
  http?: HttpClient | undefined;
  /** Named in errors, e.g. `slack`. */
  what: string;
}

/** The result of a POST, with the response status and body when there was a response. */
export type PostResult = NotifyResult & { readonly status?: number; readonly body?: string };

/** `https://hooks.slack.com/…`: scheme and host only, since paths and queries of webhook URLs carry secrets. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '<invalid url>';
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into ms, or `undefined`. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * POSTs JSON the way every Argus notifier does: any 2xx is success; 408, 429, 5xx and network errors are
 * retryable (429 with its `Retry-After`); other 4xx are not. Errors name `what`, the status and the redacted
 * URL — never the full URL or request headers.
 */
export async function postJson(o: PostJsonOptions): Promise<PostResult> {
  let res: Response;
  try {
    // node:http by default, not the global fetch: after one fetch every later await in the process costs more
    res = await (o.http ? o.http.fetch.bind(o.http) : httpFetch)(o.url, {
      method: o.method ?? 'POST',
      headers: {
        'content-type': o.contentType ?? 'application/json',
        'user-agent': 'Argus-Alerting/0.1',
        ...o.headers,
      },
      body:
        o.method === 'GET'
          ? null
          : o.contentType !== undefined && typeof o.body === 'string'
            ? o.body
            : JSON.stringify(o.body),
      signal: o.signal,
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    // fetch's own message is always "fetch failed": the cause's code (ECONNREFUSED) or message ("bad port") says why
    const why = o.signal.aborted
      ? 'aborted (timeout or shutdown)'
      : err instanceof HttpClientSetupError
        ? e.message
        : (e.cause?.code ?? e.cause?.message ?? e.name);
    return {
      ok: false,
      retryable: true,
      error: new Error(`${o.what}: ${o.method ?? 'POST'} ${redactUrl(o.url)} failed: ${why}`),
    };
  }
  const body = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  const after =
    res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
  const snippet = body.slice(0, 200).replace(/https?:\/\/\S+/g, (u) => redactUrl(u));
  return {
    ok: false,
    retryable,
    status: res.status,
    body,
    ...(after === undefined ? {} : { retryAfterMs: after }),
    error: new Error(
      `${o.what}: HTTP ${res.status} from ${redactUrl(o.url)}${snippet ? `: ${snippet}` : ''}`,
    ),
  };
}
