import { type Clock, type HttpResponse, httpRequest, sleep } from '@argus/core';

/** How the sink talks to Grafana's HTTP API. */
export interface GrafanaClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:3000` (a sub-path such as `/grafana` is kept). */
  readonly url: string;
  /** Service-account token, sent as `Authorization: Bearer …`; never logged, never in errors. */
  readonly token: string;
  /** Per-request deadline, ms. */
  readonly timeoutMs: number;
  /** Retries of a retryable failure (network, 408, 429, 5xx) within one call. */
  readonly maxRetries: number;
  /** First backoff, doubled per retry, capped at 30 s; `Retry-After` wins when Grafana sends it. */
  readonly backoffMs: number;
  readonly clock: Clock;
}

/** An HTTP failure from Grafana, with what a caller needs to decide: status, Grafana's `status` field, retryable. */
export interface GrafanaFailure {
  readonly ok: false;
  readonly retryable: boolean;
  readonly error: Error;
  /** The HTTP status; absent when Grafana could not be reached. */
  readonly status?: number;
  /** Grafana's own `status` field of 412 and some 400 bodies, e.g. `version-mismatch`. */
  readonly reason?: string;
}

/** The outcome of one API call. */
export type GrafanaResult<T = unknown> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | GrafanaFailure;

/** A request to the Grafana HTTP API. */
export interface GrafanaRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path below the base URL, with its query string, e.g. `/api/annotations?limit=1`. */
  readonly path: string;
  readonly body?: unknown;
  /** Skip the Authorization header (`/api/health` needs none). */
  readonly anonymous?: boolean;
}

/** A small client for Grafana's HTTP API: auth, JSON, retries with backoff, errors that say what to fix. */
export interface GrafanaClient {
  /** Where Grafana is, for messages: scheme, host and port only. */
  readonly where: string;
  call<T = unknown>(req: GrafanaRequest, signal: AbortSignal): Promise<GrafanaResult<T>>;
}

const MAX_BACKOFF_MS = 30_000;

/** `http://host:3000`: scheme and host only, so paths, queries and credentials in URLs never reach a log. */
export function redactBase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '<invalid url>';
  }
}

/** Advice for the statuses a user can fix; the rest get Grafana's own message. */
function advice(status: number, req: GrafanaRequest): string {
  if (status === 401)
    return 'the service-account token is missing, wrong or expired: create one under Administration › Service accounts and pass it as `token`';
  if (status === 403)
    return req.path.startsWith('/api/annotations')
      ? 'the service account may not write annotations: give it the Editor role (or annotations:write)'
      : 'the service account lacks permission: give it the Editor role (or the dashboards/folders write actions)';
  if (status === 412)
    return 'the dashboard was changed in Grafana since it was read (version conflict): pass `overwrite: true` to replace it';
  return '';
}

function scrub(text: string, token: string): string {
  const cut = text.slice(0, 300);
  return token.length > 0 ? cut.split(token).join('<redacted>') : cut;
}

async function once<T>(
  o: GrafanaClientOptions,
  req: GrafanaRequest,
  signal: AbortSignal,
): Promise<GrafanaResult<T> & { retryAfterMs?: number }> {
  const where = redactBase(o.url);
  const url = `${o.url.replace(/\/+$/, '')}${req.path}`;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'argus-sink-grafana' };
  if (!req.anonymous) headers['authorization'] = `Bearer ${o.token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let res: HttpResponse;
  try {
    // node:http, not the global fetch: after one fetch every later await in the process costs more (Node 20)
    res = await httpRequest(url, {
      method: req.method,
      headers,
      signal: AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs)]),
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    const why = signal.aborted
      ? 'aborted (deadline or shutdown)'
      : typeof e.code === 'string'
        ? e.code
        : e.name;
    return {
      ok: false,
      retryable: true,
      error: new Error(
        `grafana: cannot reach Grafana at ${where} (${req.method} ${req.path.split('?')[0]}: ${why}); check \`url\` and that Grafana is running`,
      ),
    };
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: body as T };
  const fields = (typeof body === 'object' && body !== null ? body : {}) as {
    message?: unknown;
    status?: unknown;
  };
  const message = typeof fields.message === 'string' ? fields.message : text;
  const reason = typeof fields.status === 'string' ? fields.status : undefined;
  const hint = advice(res.status, req);
  const retryAfter = Number(res.headers['retry-after'] ?? Number.NaN);
  return {
    ok: false,
    retryable: res.status === 408 || res.status === 429 || res.status >= 500,
    status: res.status,
    ...(reason ? { reason } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    error: new Error(
      `grafana: ${req.method} ${req.path.split('?')[0]} on ${where} answered ${res.status}` +
        `${message ? `: ${scrub(message, o.token)}` : ''}${hint ? ` (${hint})` : ''}`,
    ),
  };
}

/**
 * Makes a client. It does no I/O until called. A retryable failure is retried up to `maxRetries` times with
 * exponential backoff on `clock`, and never past `signal`.
 */
export function grafanaClient(o: GrafanaClientOptions): GrafanaClient {
  return {
    where: redactBase(o.url),
    async call<T>(req: GrafanaRequest, signal: AbortSignal): Promise<GrafanaResult<T>> {
      for (let attempt = 0; ; attempt++) {
        const r = await once<T>(o, req, signal);
        if (r.ok || !r.retryable || attempt >= o.maxRetries || signal.aborted) {
          const { retryAfterMs: _drop, ...rest } = r as GrafanaResult<T> & { retryAfterMs?: number };
          return rest as GrafanaResult<T>;
        }
        const wait = r.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, o.backoffMs * 2 ** attempt);
        try {
          await sleep(o.clock, wait, signal);
        } catch {
          return { ok: false, retryable: true, error: r.error, ...(r.status ? { status: r.status } : {}) };
        }
      }
    },
  };
}
