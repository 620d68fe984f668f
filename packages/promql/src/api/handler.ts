// Prometheus's HTTP query API (web/api/v1 of 2.42) as a framework-agnostic handler: a request in (method,
// path, query string, form body), a response out (status, headers, JSON body in Prometheus's envelope).
import type { Engine, QueryResult } from '../engine/query.js';
import { makeMatcher } from '../matchers.js';
import type { Matcher } from '../parser/ast.js';
import { parseExpr } from '../parser/parse.js';
import type { Labels, Queryable } from '../queryable.js';
import { type Scheduler, TimeSlice } from '../time-slice.js';
import { encodeResult, stringifyInSlices } from './encode.js';
import { ApiError, queryError } from './errors.js';
import { durationParam, MAX_TIME, MIN_TIME, timeParam } from './params.js';

/** A request as any HTTP server sees it. `path` may carry the query string. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  /** The query string (without `?`), when not in `path`. */
  readonly query?: string;
  /** The body; read as a form when `contentType` is `application/x-www-form-urlencoded`. */
  readonly body?: string;
  readonly contentType?: string;
  /** Aborted when the client goes away: the query is canceled. */
  readonly signal?: AbortSignal;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Metadata per metric family, as `/api/v1/metadata` returns it. */
export type MetadataMap = Record<string, readonly { type: string; help: string; unit: string }[]>;

export interface PromApiOptions {
  readonly engine: Engine;
  readonly queryable: Queryable;
  /** Metric metadata (TYPE/HELP/UNIT); `{}` without it, as Prometheus over backfilled blocks answers. */
  readonly metadata?: () => MetadataMap | Promise<MetadataMap>;
  /** `data` of `/api/v1/rules` (`type`: the request's `type=alert|record`); `{ groups: [] }` without it. */
  readonly rules?: (type?: 'alert' | 'record') => { groups: unknown[] } | Promise<{ groups: unknown[] }>;
  /** `data` of `/api/v1/alerts`; `{ alerts: [] }` without it. */
  readonly alerts?: () => { alerts: unknown[] } | Promise<{ alerts: unknown[] }>;
  /** Fields of `/api/v1/status/buildinfo` to override. */
  readonly buildInfo?: Partial<
    Record<'version' | 'revision' | 'branch' | 'buildUser' | 'buildDate' | 'goVersion', string>
  >;
  /** The clock of a query without `time`. @default Date.now */
  readonly now?: () => number;
  /**
   * How encoding a large answer shares the event loop (see EngineOptions.scheduler).
   * @default yield with setImmediate after 2 ms of work
   */
  readonly scheduler?: Scheduler;
}

export interface PromApi {
  handle(req: ApiRequest): Promise<ApiResponse>;
}

const MAX_POINTS = 11_000;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Route = (p: URLSearchParams, req: ApiRequest) => Promise<unknown>;

/** `type` of /api/v1/rules, refused as Prometheus refuses it when it is neither `alert` nor `record`. */
function ruleType(p: URLSearchParams): 'alert' | 'record' | undefined {
  const t = p.get('type');
  if (!t) return undefined;
  if (t === 'alert' || t === 'record') return t;
  throw new ApiError('bad_data', `not supported value ${JSON.stringify(t)}`);
}

/**
 * Creates the handler of Prometheus's query API over an engine and its Queryable.
 * @example
 * const api = createPromApi({ engine, queryable });
 * const res = await api.handle({ method: 'GET', path: '/api/v1/query?query=up' });
 */
export function createPromApi(o: PromApiOptions): PromApi {
  const now = o.now ?? Date.now;
  const routes: Record<string, Route> = {
    '/api/v1/query': (p, req) => instant(o.engine, p, now(), req.signal),
    '/api/v1/query_range': (p, req) => range(o.engine, p, req.signal),
    '/api/v1/series': (p) => series(o.queryable, p),
    '/api/v1/labels': (p) => labelNames(o.queryable, p),
    '/api/v1/metadata': async (p) => metadata(await (o.metadata?.() ?? {}), p),
    '/api/v1/rules': async (p) => (await o.rules?.(ruleType(p))) ?? { groups: [] },
    '/api/v1/alerts': async () => (await o.alerts?.()) ?? { alerts: [] },
    '/api/v1/query_exemplars': async () => [],
    '/api/v1/status/buildinfo': async () => ({
      version: '2.42.0',
      revision: 'argus',
      branch: 'argus',
      buildUser: 'argus',
      buildDate: '',
      goVersion: '',
      ...o.buildInfo,
    }),
  };
  return {
    async handle(req) {
      const [path, qs = ''] = req.path.split('?', 2) as [string, string?];
      if (path === '/-/ready' || path === '/-/healthy') return text(200, 'Argus is Ready.\n');
      try {
        if (req.method !== 'GET' && req.method !== 'POST')
          return text(405, `method ${req.method} not allowed\n`);
        const params = new URLSearchParams(req.query ?? qs);
        if (req.method === 'POST' && /^application\/x-www-form-urlencoded/i.test(req.contentType ?? ''))
          for (const [k, v] of new URLSearchParams(req.body ?? '')) params.append(k, v);
        const label = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
        const route = label
          ? (p: URLSearchParams) => labelValues(o.queryable, decodeURIComponent(label[1]!), p)
          : routes[path];
        if (!route) throw new ApiError('not_found', `no API endpoint ${path}`);
        const data = await route(params, req);
        const warnings = (data as { [WARNINGS]?: readonly string[] } | undefined)?.[WARNINGS];
        const envelope = { status: 'success', data, ...(warnings ? { warnings } : {}) };
        const series = (
          data as { [SERIES]?: QueryResult & { resultType: 'vector' | 'matrix' } } | undefined
        )?.[SERIES];
        if (!series) return json(200, envelope);
        const slice = new TimeSlice(o.scheduler, req.signal);
        const body = await stringifyInSlices(
          envelope as typeof envelope & { data: { resultType: string } },
          series,
          slice,
        );
        return { status: 200, headers: { 'content-type': 'application/json' }, body };
      } catch (err) {
        const e = queryError(err);
        return json(e.status, { status: 'error', errorType: e.type, error: e.message });
      }
    },
  };
}

// A query's warnings ride on its data under a symbol (JSON.stringify skips it) up to the envelope, which carries
// them in Prometheus's top-level `warnings` field.
const WARNINGS = Symbol('warnings');

// A vector or matrix answer rides the same way, unencoded, to the envelope, which encodes it series by series
// with yields between chunks (stringifyInSlices).
const SERIES = Symbol('series');

function answer(r: QueryResult): unknown {
  const data =
    r.resultType === 'vector' || r.resultType === 'matrix'
      ? { resultType: r.resultType, result: [], [SERIES]: r }
      : encodeResult(r);
  return r.warnings?.length ? Object.assign(data, { [WARNINGS]: r.warnings }) : data;
}

async function instant(
  engine: Engine,
  p: URLSearchParams,
  now: number,
  signal?: AbortSignal,
): Promise<unknown> {
  const t = timeParam(p, 'time', now);
  const opts = { signal: withTimeout(signal, durationParam(p, 'timeout')) };
  try {
    return answer(await engine.instantQuery(p.get('query') ?? '', t, opts));
  } catch (err) {
    throw queryError(err);
  }
}

async function range(engine: Engine, p: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
  const start = timeParam(p, 'start', Number.NaN);
  const end = timeParam(p, 'end', Number.NaN);
  if (Number.isNaN(start))
    throw new ApiError('bad_data', 'invalid parameter "start": cannot parse "" to a valid timestamp');
  if (Number.isNaN(end))
    throw new ApiError('bad_data', 'invalid parameter "end": cannot parse "" to a valid timestamp');
  if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start time');
  const step = durationParam(p, 'step') ?? 0;
  if (step <= 0)
    throw new ApiError(
      'bad_data',
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if (Math.trunc((end - start) / step) > MAX_POINTS)
    throw new ApiError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  const opts = { signal: withTimeout(signal, durationParam(p, 'timeout')) };
  try {
    return answer(await engine.rangeQuery(p.get('query') ?? '', start, end, step, opts));
  } catch (err) {
    throw queryError(err);
  }
}

/** The matcher sets of `match[]`, each a metric selector. */
function matcherSets(p: URLSearchParams): Matcher[][] {
  return p.getAll('match[]').map((s) => {
    let e: ReturnType<typeof parseExpr>;
    try {
      e = parseExpr(s);
    } catch (err) {
      throw new ApiError('bad_data', (err as Error).message);
    }
    if (e.type !== 'vector' || e.offsetMs !== 0 || e.at !== undefined)
      throw new ApiError(
        'bad_data',
        `invalid parameter "match[]": ${JSON.stringify(s)} is not a metric selector`,
      );
    return [...e.matchers];
  });
}

async function series(q: Queryable, p: URLSearchParams): Promise<Labels[]> {
  if (p.getAll('match[]').length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const start = timeParam(p, 'start', MIN_TIME);
  const end = timeParam(p, 'end', MAX_TIME);
  const out = new Map<string, Labels>();
  for (const ms of matcherSets(p))
    for (const s of await q.select(ms, start, end))
      out.set(JSON.stringify(sorted(s.labels)), sorted(s.labels));
  return [...out.keys()].sort().map((k) => out.get(k)!);
}

/**
 * Label sets of the series with samples in the request's `start`..`end`; undefined when neither is given (then
 * the Queryable's label index answers, over all time).
 */
async function inRange(q: Queryable, p: URLSearchParams, sets: Matcher[][]): Promise<Labels[] | undefined> {
  if (!p.get('start') && !p.get('end')) return undefined;
  const start = timeParam(p, 'start', MIN_TIME);
  const end = timeParam(p, 'end', MAX_TIME);
  const out: Labels[] = [];
  for (const ms of sets.length > 0 ? sets : [[ANY_NAME]])
    for (const s of await q.select(ms, start, end)) if (s.timestamps.length > 0) out.push(s.labels);
  return out;
}
const ANY_NAME = makeMatcher('__name__', '=~', '.+');

async function labelNames(q: Queryable, p: URLSearchParams): Promise<string[]> {
  const sets = matcherSets(p);
  const ranged = await inRange(q, p, sets);
  if (ranged) return [...new Set(ranged.flatMap((l) => Object.keys(l)))].sort();
  if (sets.length === 0) return [...(await q.labelNames())];
  const names = new Set<string>();
  for (const ms of sets) for (const n of await q.labelNames(ms)) names.add(n);
  return [...names].sort();
}

async function labelValues(q: Queryable, name: string, p: URLSearchParams): Promise<string[]> {
  if (!LABEL_NAME.test(name)) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
  const sets = matcherSets(p);
  const ranged = await inRange(q, p, sets);
  if (ranged) return [...new Set(ranged.flatMap((l) => (l[name] ? [l[name]] : [])))].sort();
  if (sets.length === 0) return [...(await q.labelValues(name))];
  const values = new Set<string>();
  for (const ms of sets) for (const v of await q.labelValues(name, ms)) values.add(v);
  return [...values].sort();
}

function metadata(all: MetadataMap, p: URLSearchParams): MetadataMap {
  const metric = p.get('metric');
  const limit = Number(p.get('limit') ?? -1);
  const names = Object.keys(all).filter((n) => !metric || n === metric);
  return Object.fromEntries((limit >= 0 ? names.slice(0, limit) : names).map((n) => [n, all[n]!]));
}

const sorted = (l: Labels): Labels =>
  Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function withTimeout(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  const t = AbortSignal.timeout(Math.max(1, timeoutMs));
  return signal ? AbortSignal.any([signal, t]) : t;
}

const json = (status: number, body: unknown): ApiResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const text = (status: number, body: string): ApiResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});
