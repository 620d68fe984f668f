import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { azureLogsSource, discoverMetricDefinitions } from '../src/index.js';
import type { FakeLogsAnswer } from './fake/server.js';
import { type FakeAzure, startFakeAzure } from './fake/server.js';
import { ctxAt, rows, T0, testCredential, VM1, vm } from './helpers.js';

const WS = '22222222-2222-2222-2222-222222222222';
let fake: FakeAzure;
let answer: (target: string, query: string, from: number, to: number) => FakeLogsAnswer;
beforeAll(async () => {
  fake = await startFakeAzure({ resources: [vm(VM1)], logs: (...a) => answer(...a) });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

const seriesTable = (from: number): FakeLogsAnswer => ({
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'AppRoleName', type: 'string' },
        { name: 'failed', type: 'long' },
        { name: 'p95', type: 'real' },
      ],
      rows: [
        [new Date(from).toISOString(), 'api', 3, 120.5],
        [new Date(from + 60_000).toISOString(), 'api', 0, 98],
      ],
    },
  ],
});

function source(extra: Record<string, unknown> = {}, credential = testCredential()) {
  return azureLogsSource(
    {
      workspaceId: WS,
      query: 'AppRequests | summarize …',
      endpoint: `${fake.url}/v1`,
      retryDelayMs: 10,
      ...extra,
    },
    { credential, clientOptions: { tlsOptions: { ca: fake.cert } } },
  );
}

describe('azureLogsSource', () => {
  it('posts the documented query body and turns a time + numeric table into series', async () => {
    answer = (_t, _q, from) => seriesTable(from);
    const cred = testCredential();
    const { ctx } = ctxAt(T0 + 420_000);
    const out = (await source({ serverTimeoutMs: 60_000 }, cred).poll!(ctx)) as never[];
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/v1/workspaces/${WS}/query`);
    expect(req.body).toEqual({
      query: 'AppRequests | summarize …',
      timespan: '2025-01-01T00:00:00.000Z/2025-01-01T00:05:00.000Z',
    });
    expect(req.headers.prefer).toBe('wait=60');
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(cred.calls[0]).toEqual(['https://api.loganalytics.io/.default']);
    const got = rows(ctx, out);
    expect(got.map((r) => [r.labels['__name__'], r.value])).toEqual([
      ['azure_logs_failed', 3],
      ['azure_logs_p95', 120.5],
      ['azure_logs_failed', 0],
      ['azure_logs_p95', 98],
    ]);
    expect(got[0]!.labels).toMatchObject({ app_role_name: 'api', workspace_id: WS, table: 'PrimaryResult' });
    expect(got[0]!.ts).toBe(T0);
  });

  it('continues each poll where the last one ended', async () => {
    answer = (_t, _q, from) => seriesTable(from);
    const src = source();
    await src.poll!(ctxAt(T0 + 420_000).ctx);
    await src.poll!(ctxAt(T0 + 480_000).ctx);
    expect(fake.requests.map((r) => (r.body as { timespan: string }).timespan)).toEqual([
      '2025-01-01T00:00:00.000Z/2025-01-01T00:05:00.000Z',
      '2025-01-01T00:05:00.000Z/2025-01-01T00:06:00.000Z',
    ]);
  });

  it('queries a resource in context, and makes log records of tables without numbers', async () => {
    answer = (target) => ({
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'Message', type: 'string' },
            { name: 'SeverityLevel', type: 'string' },
            { name: 'Props', type: 'dynamic' },
          ],
          rows: [['2025-01-01T00:00:30Z', `boom on ${target.split('/').pop()}`, 'Error', '{"k":1}']],
        },
      ],
    });
    const { ctx } = ctxAt(T0 + 420_000);
    const out = (await source({ workspaceId: undefined, resourceId: VM1 }).poll!(ctx)) as {
      kind: string;
      records: unknown[];
    }[];
    expect(fake.requests[0]!.path).toBe(`/v1${VM1}/query`);
    expect(out).toHaveLength(1);
    expect(out[0]!.records).toEqual([
      {
        timestamp: T0 + 30_000,
        labels: { resource_id: VM1, table: 'PrimaryResult' },
        message: 'boom on vm1',
        severity: 'Error',
        fields: {
          TimeGenerated: new Date(T0 + 30_000),
          Message: 'boom on vm1',
          SeverityLevel: 'Error',
          Props: { k: 1 },
        },
      },
    ]);
  });

  it('keeps the rows of a partial result and surfaces its error; fails with partialErrors: fail', async () => {
    answer = (_t, _q, from) => ({
      ...seriesTable(from),
      error: {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [{ code: 'EngineError', message: 'Query result set has exceeded the internal limit' }],
      },
    });
    const { ctx, log, counters } = ctxAt(T0 + 420_000);
    expect(rows(ctx, (await source().poll!(ctx)) as never[])).toHaveLength(4);
    expect(counters['partialErrors']).toBe(1);
    expect(log.lines.join('\n')).toMatch(/PartialError.*EngineError/s);
    await expect(source({ partialErrors: 'fail' }).poll!(ctx)).rejects.toMatchObject({
      message: expect.stringMatching(/PartialError.*EngineError: Query result set/),
    });
  });

  it('fails the poll on a query error (400), naming the code', async () => {
    fake.fail({
      route: 'logs',
      status: 400,
      body: { error: { code: 'BadArgumentError', message: 'Syntax error' } },
    });
    await expect(source().poll!(ctxAt(T0 + 420_000).ctx)).rejects.toMatchObject({
      code: 'ERR_PLUGIN_FAILED',
      message: expect.stringMatching(/HTTP 400 BadArgumentError/),
    });
  });

  it('reads a range in chunkMs queries', async () => {
    answer = (_t, _q, from) => seriesTable(from);
    const { ctx } = ctxAt(T0 + 86_400_000);
    const out = [];
    for await (const b of source({ chunkMs: 600_000 }).readRange!(
      { from: T0, to: T0 + 1_500_000, stepMs: 60_000 },
      ctx,
    ))
      out.push(b);
    expect(fake.requests.map((r) => (r.body as { timespan: string }).timespan)).toEqual([
      '2025-01-01T00:00:00.000Z/2025-01-01T00:10:00.000Z',
      '2025-01-01T00:10:00.000Z/2025-01-01T00:20:00.000Z',
      '2025-01-01T00:20:00.000Z/2025-01-01T00:25:00.000Z',
    ]);
    expect(rows(ctx, out)).toHaveLength(12);
  });

  it("refuses output: 'series' for a table without numbers", async () => {
    answer = () => ({
      tables: [{ name: 'T', columns: [{ name: 'Message', type: 'string' }], rows: [['x']] }],
    });
    await expect(source({ output: 'series' }).poll!(ctxAt(T0 + 420_000).ctx)).rejects.toThrow(
      /no time column and numeric columns/,
    );
  });

  it.each([
    [{ workspaceId: undefined }, /workspaceId: give exactly one/],
    [{ resourceId: VM1 }, /workspaceId: give exactly one/],
    [{ query: '' }, /query/],
    [{ serverTimeoutMs: 700_000 }, /serverTimeoutMs/],
    [{ metricPrefix: '9x' }, /metricPrefix/],
  ])('rejects %j naming the field', (bad, field) => {
    expect(() => source(bad)).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringMatching(field) }),
    );
  });
});

describe('discoverMetricDefinitions', () => {
  it('follows nextLink through every page', async () => {
    const defs = await discoverMetricDefinitions(
      VM1,
      { endpoint: fake.url },
      { credential: testCredential(), clientOptions: { tlsOptions: { ca: fake.cert } } },
    );
    expect(defs.map((d) => [d.name, d.unit, d.dimensions])).toEqual([
      ['Percentage CPU', 'Percent', []],
      ['Data Disk IOPS Consumed Percentage', 'Percent', ['LUN']],
    ]);
    expect(defs[0]!.timeGrains).toEqual(['PT1M', 'PT1H']);
    expect(fake.requests.map((r) => [r.path, r.query.get('api-version'), r.query.get('$skiptoken')])).toEqual(
      [
        [`${VM1}/providers/Microsoft.Insights/metricDefinitions`, '2024-02-01', null],
        [`${VM1}/providers/Microsoft.Insights/metricDefinitions`, '2024-02-01', '1'],
      ],
    );
  });
});
