import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type FakeResource, grainMs, type MetricQuery, metricValues, parseFilter } from './data.js';
import { testCert } from './tls.js';

/** A request as the fake saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path with repeated slashes collapsed (the SDKs send `//subscriptions` for ids that start with `/`). */
  readonly path: string;
  /** Query parameters, names and values percent-decoded (the batch SDK sends `api%2Dversion`). */
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** A canned failure for the next matching request(s). */
export interface Fault {
  readonly route: Route;
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Never answer (the client's timeout must fire). */
  readonly hang?: boolean;
  /** How many requests it applies to. @default 1 */
  times?: number;
}

/** A Log Analytics answer: tables, and an optional top-level `error` that makes it a partial result. */
export interface FakeLogsAnswer {
  readonly tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[];
  readonly error?: { code: string; message: string; details?: unknown[] };
}

/** Routes of the fake. */
export type Route = 'metrics' | 'batch' | 'definitions' | 'logs';

/** Options of {@link startFakeAzure}. */
export interface FakeAzureOptions {
  resources: FakeResource[];
  /** Answers a KQL query for a workspace id or resource id over [from, to). */
  logs?: (target: string, query: string, from: number, to: number) => FakeLogsAnswer;
  /** Buckets starting at or after this have no values yet. @default Infinity */
  dataUntil?: () => number;
  /** Only these bearer tokens are accepted. @default any non-empty token */
  validTokens?: () => readonly string[];
}

/** The running fake: its base URL, what it saw, and fault injection. */
export interface FakeAzure {
  readonly url: string;
  readonly cert: string;
  readonly requests: SeenRequest[];
  fail(fault: Fault): void;
  /** Resource ids (lower case) that answer 404 from now on. */
  readonly deleted: Set<string>;
  close(): Promise<void>;
}

const API_VERSION = '2024-02-01';
const send = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): undefined => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
  return undefined;
};
const error = (code: string, message: string): unknown => ({ error: { code, message } });

/** Starts an HTTPS fake of ARM metrics, metrics:getBatch, metric definitions and the Log Analytics query API on 127.0.0.1. */
export async function startFakeAzure(options: FakeAzureOptions): Promise<FakeAzure> {
  const { cert, key } = await testCert();
  const requests: SeenRequest[] = [];
  const faults: Fault[] = [];
  const deleted = new Set<string>();
  const ctx = { options, requests, faults, deleted, base: '' };
  const server: Server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(ctx, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ctx.base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: ctx.base,
    cert,
    requests,
    deleted,
    fail: (f) => faults.push({ ...f, times: f.times ?? 1 }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Ctx = {
  options: FakeAzureOptions;
  requests: SeenRequest[];
  faults: Fault[];
  deleted: Set<string>;
  base: string;
};

function classify(method: string, path: string): Route | undefined {
  if (method === 'GET' && /\/providers\/microsoft\.insights\/metrics$/i.test(path)) return 'metrics';
  if (method === 'GET' && /\/providers\/microsoft\.insights\/metricdefinitions$/i.test(path))
    return 'definitions';
  if (method === 'POST' && /^\/subscriptions\/[^/]+\/metrics:getBatch$/i.test(path)) return 'batch';
  if (method === 'POST' && /\/query$/.test(path)) return 'logs';
  return undefined;
}

function route(ctx: Ctx, req: IncomingMessage, res: ServerResponse, raw: string): undefined {
  const url = new URL(req.url ?? '/', ctx.base);
  const path = url.pathname.replace(/\/{2,}/g, '/');
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    return send(res, 400, error('BadRequest', 'body is not JSON'));
  }
  const method = req.method ?? 'GET';
  ctx.requests.push({ method, path, query: url.searchParams, headers: req.headers, body });
  const kind = classify(method, path);
  if (!kind) return send(res, 404, error('NotFound', `no route ${method} ${path}`));
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const valid = ctx.options.validTokens?.();
  if (!token || (valid && !valid.includes(token))) {
    return send(res, 401, error('InvalidAuthenticationToken', 'The access token is invalid or has expired.'));
  }
  const fault = ctx.faults.find((f) => f.route === kind && (f.times ?? 0) > 0);
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    if (fault.hang) return undefined;
    return send(
      res,
      fault.status ?? 500,
      fault.body ?? error('InternalServerError', 'injected'),
      fault.headers,
    );
  }
  if (kind === 'logs') return logs(ctx, path, body, res);
  if (kind === 'batch') return batch(ctx, path, url.searchParams, body, res);
  return arm(ctx, kind, path, url.searchParams, res);
}

function find(ctx: Ctx, id: string): FakeResource | undefined {
  if (ctx.deleted.has(id.toLowerCase())) return undefined;
  return ctx.options.resources.find((r) => r.id.toLowerCase() === id.toLowerCase());
}

function arm(ctx: Ctx, kind: Route, path: string, q: URLSearchParams, res: ServerResponse): undefined {
  if (q.get('api-version') !== API_VERSION)
    return send(res, 400, error('InvalidApiVersion', `unsupported api-version ${q.get('api-version')}`));
  const id = path.replace(/\/providers\/microsoft\.insights\/(metrics|metricdefinitions)$/i, '');
  const r = find(ctx, id);
  if (!r) return send(res, 404, error('ResourceNotFound', `The Resource '${id}' was not found.`));
  if (kind === 'definitions') return definitions(ctx, r, path, q, res);
  const [from, to] = (q.get('timespan') ?? '').split('/').map((s) => Date.parse(s));
  if (!Number.isFinite(from) || !Number.isFinite(to))
    return send(res, 400, { code: 'BadRequest', message: 'timespan' });
  const query: MetricQuery = {
    names: (q.get('metricnames') ?? '').split(','),
    aggregations: (q.get('aggregation') ?? 'average').split(','),
    from: from!,
    to: to!,
    grain: grainMs(q.get('interval') ?? 'PT1M'),
    filter: parseFilter(q.get('$filter')),
    dataUntil: ctx.options.dataUntil?.() ?? Number.POSITIVE_INFINITY,
  };
  send(
    res,
    200,
    {
      cost: 59,
      timespan: q.get('timespan'),
      interval: q.get('interval') ?? 'PT1M',
      namespace: q.get('metricnamespace') ?? '',
      resourceregion: r.region,
      value: metricValues(r, query),
    },
    { 'x-ms-ratelimit-remaining-subscription-reads': '11999' },
  );
}

function definitions(
  ctx: Ctx,
  r: FakeResource,
  path: string,
  q: URLSearchParams,
  res: ServerResponse,
): undefined {
  // one definition per page, linked by nextLink, so clients must follow paging
  const names = Object.keys(r.metrics);
  const i = Number(q.get('$skiptoken') ?? 0);
  const name = names[i];
  const value =
    name === undefined
      ? []
      : [
          {
            id: `${r.id}/providers/microsoft.insights/metricdefinitions/${name}`,
            resourceId: r.id,
            namespace: r.id.split('/providers/')[1]?.split('/').slice(0, 2).join('/') ?? '',
            name: { value: name, localizedValue: name },
            unit: r.metrics[name]!.unit,
            primaryAggregationType: 'Average',
            supportedAggregationTypes: ['None', 'Average', 'Minimum', 'Maximum', 'Total', 'Count'],
            metricAvailabilities: [
              { timeGrain: 'PT1M', retention: 'P93D' },
              { timeGrain: 'PT1H', retention: 'P93D' },
            ],
            isDimensionRequired: false,
            dimensions: Object.keys(r.metrics[name]!.dimensions ?? {}).map((d) => ({
              value: d,
              localizedValue: d,
            })),
          },
        ];
  const nextLink =
    i + 1 < names.length ? `${ctx.base}${path}?api-version=${API_VERSION}&$skiptoken=${i + 1}` : undefined;
  send(res, 200, nextLink ? { value, nextLink } : { value });
}

function batch(ctx: Ctx, path: string, q: URLSearchParams, body: unknown, res: ServerResponse): undefined {
  if (q.get('api-version') !== API_VERSION) return send(res, 400, error('InvalidApiVersion', 'api-version'));
  const ids = (body as { resourceids?: unknown })?.resourceids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 50) {
    return send(res, 400, error('BadRequest', 'resourceids must hold 1 to 50 resource ids'));
  }
  const sub = path.split('/')[2]!.toLowerCase();
  const query: MetricQuery = {
    names: (q.get('metricnames') ?? '').split(','),
    aggregations: (q.get('aggregation') ?? 'average').split(','),
    from: Date.parse(q.get('starttime') ?? ''),
    to: Date.parse(q.get('endtime') ?? ''),
    grain: grainMs(q.get('interval') ?? 'PT1M'),
    filter: parseFilter(q.get('filter')),
    dataUntil: ctx.options.dataUntil?.() ?? Number.POSITIVE_INFINITY,
  };
  const values = (ids as string[]).flatMap((id) => {
    if (!id.toLowerCase().startsWith(`/subscriptions/${sub}/`)) return [];
    const r = find(ctx, id);
    if (!r) return [];
    return [
      {
        starttime: q.get('starttime'),
        endtime: q.get('endtime'),
        interval: q.get('interval'),
        namespace: q.get('metricnamespace'),
        resourceregion: r.region,
        resourceid: r.id,
        value: metricValues(r, query),
      },
    ];
  });
  send(res, 200, { values });
}

function logs(ctx: Ctx, path: string, body: unknown, res: ServerResponse): undefined {
  const b = body as { query?: unknown; timespan?: unknown };
  if (typeof b?.query !== 'string' || typeof b.timespan !== 'string') {
    return send(res, 400, error('BadArgumentError', 'query and timespan are required'));
  }
  const target = path
    .replace(/^\/v1/, '')
    .replace(/\/query$/, '')
    .replace(/^\/workspaces\//, '');
  const [from, to] = b.timespan.split('/').map((s) => Date.parse(s));
  const answer = ctx.options.logs?.(target, b.query, from!, to!);
  if (!answer) return send(res, 404, error('WorkspaceNotFoundError', `workspace ${target} not found`));
  send(res, 200, answer);
}
