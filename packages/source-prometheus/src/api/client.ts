import { type Clock, type Labels, sleep, systemClock } from '@argus/core';
import { type HttpResponse, send, type TlsOptions, type TransportError } from './http.js';

/** How to authenticate to Prometheus (or the proxy in front of it). */
export type PrometheusAuth =
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'basic'; readonly username: string; readonly password: string };

/** Options of {@link createPrometheusClient}. */
export interface PrometheusClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:9090` (a path prefix is kept). */
  readonly endpoint: string;
  readonly auth?: PrometheusAuth | undefined;
  readonly tls?: TlsOptions | undefined;
  /** Per-request deadline in ms. @default 30000 */
  readonly timeoutMs?: number;
  /** Retries of a failed request that may succeed later (network, 5xx, 429, timeout). @default 2 */
  readonly retries?: number;
  /** First backoff in ms; doubles each retry, with jitter. @default 250 */
  readonly backoffMs?: number;
  /** Times the request deadline and the retry backoff (a test passes a fake clock). @default the system clock */
  readonly clock?: Clock | undefined;
}

/** One series of a query result; `timestamps` in ms. */
export interface QuerySeries {
  readonly labels: Labels;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/** A query's result, with the warnings the server attached (partial data and the like). */
export interface QueryResult {
  readonly series: readonly QuerySeries[];
  readonly warnings: readonly string[];
}

/** A failed query: `errorType` is Prometheus's (`bad_data`, `execution`, `timeout`, …) or `http`/`network`. */
export class PrometheusApiError extends Error {
  override readonly name = 'PrometheusApiError';
  constructor(
    message: string,
    readonly query: string,
    readonly errorType: string,
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** A Prometheus HTTP API client: instant and range queries, with auth, TLS, timeouts and retries. */
export interface PrometheusClient {
  /** `/api/v1/query` at `timeMs`. A scalar becomes one series with no labels. */
  query(expr: string, timeMs: number, signal?: AbortSignal): Promise<QueryResult>;
  /** `/api/v1/query_range`, points at `startMs + k·stepMs` up to `endMs` inclusive (at most 11,000). */
  queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    signal?: AbortSignal,
  ): Promise<QueryResult>;
  /** `/api/v1/series`: label sets of the series `selector` matches in `[startMs, endMs]` (server default: all). */
  series(selector: string, startMs?: number, endMs?: number, signal?: AbortSignal): Promise<Labels[]>;
}

const RETRYABLE_TYPES = new Set(['timeout', 'unavailable', 'internal', 'canceled']);
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * Creates a client for a Prometheus server's HTTP API. Queries go as form-encoded POSTs (long PromQL fits),
 * errors name the query and say what the server said.
 * @example
 * const prom = createPrometheusClient({ endpoint: 'http://127.0.0.1:9090' });
 * const { series } = await prom.query('up', Date.now());
 */
export function createPrometheusClient(o: PrometheusClientOptions): PrometheusClient {
  const base = o.endpoint.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (o.auth?.type === 'bearer') headers['authorization'] = `Bearer ${o.auth.token}`;
  if (o.auth?.type === 'basic') {
    headers['authorization'] =
      `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString('base64')}`;
  }
  const retry = { retries: o.retries ?? 2, backoffMs: o.backoffMs ?? 250, clock: o.clock ?? systemClock };
  const call = async (path: string, params: Record<string, string>, expr: string, signal: AbortSignal) => {
    const body = new URLSearchParams(params).toString();
    const url = new URL(`${base}${path}`);
    const once = () => post(url, body, expr, { headers, o, signal });
    return withRetries(once, retry, signal);
  };
  const metadata = async (params: Record<string, string>, expr: string, signal: AbortSignal) => {
    const body = new URLSearchParams(params).toString();
    const once = () => postRaw(new URL(`${base}/api/v1/series`), body, expr, { headers, o, signal });
    return withRetries(once, retry, signal);
  };
  const never = new AbortController().signal;
  return {
    async query(expr, timeMs, signal = never) {
      return call('/api/v1/query', { query: expr, time: seconds(timeMs) }, expr, signal);
    },
    async queryRange(expr, startMs, endMs, stepMs, signal = never) {
      const params = { query: expr, start: seconds(startMs), end: seconds(endMs), step: seconds(stepMs) };
      return call('/api/v1/query_range', params, expr, signal);
    },
    async series(selector, startMs, endMs, signal = never) {
      const params: Record<string, string> = { 'match[]': selector };
      if (startMs !== undefined) params['start'] = seconds(startMs);
      if (endMs !== undefined) params['end'] = seconds(endMs);
      const data = await metadata(params, selector, signal);
      if (!Array.isArray(data))
        throw new PrometheusApiError(
          `series ${quote(selector)}: unexpected response`,
          selector,
          'bad_response',
          200,
          false,
        );
      return data as Labels[];
    },
  };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

type PostContext = { headers: Record<string, string>; o: PrometheusClientOptions; signal: AbortSignal };

async function post(url: URL, body: string, expr: string, c: PostContext): Promise<QueryResult> {
  const env = await postRaw(url, body, expr, c, true);
  return env as QueryResult;
}

async function postRaw(
  url: URL,
  body: string,
  expr: string,
  c: PostContext,
  decode = false,
): Promise<unknown> {
  let res: HttpResponse;
  try {
    const timeoutMs = c.o.timeoutMs ?? 30_000;
    res = await send(url, {
      method: 'POST',
      headers: c.headers,
      body,
      timeoutMs,
      clock: c.o.clock ?? systemClock,
      signal: c.signal,
      tls: c.o.tls,
      maxBytes: MAX_RESPONSE_BYTES,
    });
  } catch (err) {
    const e = err as TransportError;
    throw new PrometheusApiError(
      `query ${quote(expr)}: ${url.origin} ${e.message}`,
      expr,
      'network',
      0,
      !e.aborted,
    );
  }
  return decode ? decodeEnvelope(res, expr) : readEnvelope(res, expr).data;
}

/** Reads the `{status, data, errorType, error, warnings}` envelope; non-JSON bodies (proxies) become `http` errors. */
export function decodeEnvelope(res: HttpResponse, expr: string): QueryResult {
  const env = readEnvelope(res, expr);
  const warnings = Array.isArray(env.warnings) ? env.warnings.map(String) : [];
  return { series: decodeData(env.data, expr), warnings };
}

interface Envelope {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: unknown;
}

function readEnvelope(res: HttpResponse, expr: string): Envelope {
  let env: Envelope;
  try {
    env = JSON.parse(res.body);
  } catch {
    const retryable = res.status >= 500 || res.status === 429;
    const what = `HTTP ${res.status}${res.contentType ? ` (${res.contentType.split(';')[0]})` : ''}`;
    throw new PrometheusApiError(
      `query ${quote(expr)}: ${what}, not a Prometheus API response`,
      expr,
      'http',
      res.status,
      retryable,
    );
  }
  if (env.status !== 'success') {
    const type = env.errorType ?? 'http';
    const retryable = RETRYABLE_TYPES.has(type) || res.status >= 500 || res.status === 429;
    const msg = `query ${quote(expr)} failed: ${type}: ${env.error ?? 'no error text'} (HTTP ${res.status})`;
    throw new PrometheusApiError(msg, expr, type, res.status, retryable);
  }
  return env;
}

type Pair = [number, string];
interface Item {
  metric?: Record<string, string>;
  value?: Pair;
  values?: Pair[];
}

function decodeData(data: unknown, expr: string): QuerySeries[] {
  const d = data as { resultType?: string; result?: unknown };
  const bad = (why: string): never => {
    throw new PrometheusApiError(
      `query ${quote(expr)}: unexpected response (${why})`,
      expr,
      'bad_response',
      200,
      false,
    );
  };
  if (d?.resultType === 'scalar') {
    const p = d.result as Pair;
    return [{ labels: {}, timestamps: [p[0] * 1000], values: [sampleValue(p[1])] }];
  }
  if (d?.resultType === 'string') bad('a string result has no samples');
  if (!Array.isArray(d?.result)) bad('no result array');
  return (d.result as Item[]).map((item) => {
    // native-histogram points ("histogram"/"histograms") carry no float value and are skipped
    const pairs = item.values ?? (item.value ? [item.value] : []);
    return {
      labels: item.metric ?? {},
      timestamps: pairs.map((p) => Math.round(p[0] * 1000)),
      values: pairs.map((p) => sampleValue(p[1])),
    };
  });
}

/** Prometheus sends values as strings; JSON has no NaN or Inf, and `Number('+Inf')` is NaN, so map them. */
export function sampleValue(s: string): number {
  if (s === '+Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (s === 'NaN') return Number.NaN;
  return Number(s);
}

const quote = (expr: string): string => JSON.stringify(expr.length > 200 ? `${expr.slice(0, 197)}...` : expr);

/** Runs `fn`, retrying retryable failures with backoff; the wait between tries ends at once when `signal` aborts. */
async function withRetries<T>(
  fn: () => Promise<T>,
  o: { retries: number; backoffMs: number; clock: Clock },
  signal: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = (err as { retryable?: boolean }).retryable === true;
      if (!retryable || attempt >= o.retries || signal.aborted) throw err;
      const wait = o.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
      // aborted while waiting: the caller gets the failure it would have retried, not a bare abort reason
      await sleep(o.clock, wait, signal).catch(() => {
        throw err;
      });
    }
  }
}
