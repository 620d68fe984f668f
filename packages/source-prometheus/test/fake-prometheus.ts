import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of Prometheus's query API following the documented contract (shared/reference/prometheus-api.md):
 * form-encoded POST, the JSON envelope, values as strings, points at start + k·step with end inclusive,
 * 400 bad_data past 11,000 points. Series `wave{i="0|1"}` has value t/1000 + i at every grid time t.
 */
export interface FakePrometheus {
  readonly url: string;
  readonly calls: { path: string; params: URLSearchParams; auth: string | undefined }[];
  /** Next responses to give instead of the normal one, consumed in order. */
  readonly script: ((res: ServerResponse) => void)[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const fmt = (v: number): string =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

function rangeResult(params: URLSearchParams, res: ServerResponse) {
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  const step = Number(params.get('step'));
  if (!(step > 0))
    return json(res, 400, {
      status: 'error',
      errorType: 'bad_data',
      error: 'zero or negative query resolution step widths are not accepted. Try a positive integer',
    });
  if ((end - start) / step > 11_000) {
    return json(res, 400, {
      status: 'error',
      errorType: 'bad_data',
      error:
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    });
  }
  const result = [0, 1].map((i) => {
    const values: [number, string][] = [];
    for (let t = start; t <= end + 1e-9; t = Math.round((t + step) * 1000) / 1000)
      values.push([t, fmt(t + i)]);
    return { metric: { __name__: 'wave', i: String(i) }, values };
  });
  json(res, 200, { status: 'success', data: { resultType: 'matrix', result } });
}

function instantResult(params: URLSearchParams, res: ServerResponse) {
  const q = params.get('query') ?? '';
  const time = Number(params.get('time'));
  if (q.includes('(') && !q.includes(')')) {
    return json(res, 400, {
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    });
  }
  if (q === 'scalar(1)')
    return json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [time, '1'] } });
  const result = [
    { metric: { __name__: 'special', v: 'nan' }, value: [time, 'NaN'] },
    { metric: { __name__: 'special', v: 'inf' }, value: [time, '+Inf'] },
    { metric: { __name__: 'special', v: 'minf' }, value: [time, '-Inf'] },
    { metric: {}, value: [time, '0.3'] },
  ];
  json(res, 200, {
    status: 'success',
    data: { resultType: 'vector', result },
    warnings: ['partial data: remote read timed out'],
  });
}

export async function fakePrometheus(): Promise<FakePrometheus> {
  const calls: FakePrometheus['calls'] = [];
  const script: FakePrometheus['script'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      calls.push({ path, params, auth: req.headers.authorization });
      const scripted = script.shift();
      if (scripted) return scripted(res);
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        return json(res, 400, { status: 'error', errorType: 'bad_data', error: 'expected a form POST' });
      }
      if (path === '/api/v1/query_range') return rangeResult(params, res);
      if (path === '/api/v1/query') return instantResult(params, res);
      json(res, 404, { status: 'error', errorType: 'not_found', error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    script,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
