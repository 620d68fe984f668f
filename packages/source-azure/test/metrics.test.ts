import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureMetricsSource } from '../src/index.js';
import { type FakeAzure, startFakeAzure } from './fake/server.js';
import { ctxAt, rows, SUB, T0, testCredential, VM1, VM2, vm } from './helpers.js';

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure({ resources: [vm(VM1), vm(VM2)] });
});
afterAll(() => fake.close());

const deps = (credential = testCredential()) => ({
  credential,
  clientOptions: { tlsOptions: { ca: fake.cert } },
});
const base = {
  resources: [VM1],
  namespace: 'Microsoft.Compute/virtualMachines',
  metrics: ['Percentage CPU'],
  endpoint: '', // set per test
  retryDelayMs: 20,
};

describe('azureMetricsSource, ARM api', () => {
  it('sends the documented request and maps the response to labelled series', async () => {
    const cred = testCredential();
    const src = azureMetricsSource(
      { ...base, endpoint: fake.url, aggregations: ['average', 'maximum'], lookbackMs: 300_000 },
      deps(cred),
    );
    const { ctx } = ctxAt(T0 + 300_000);
    fake.requests.length = 0;
    const got = rows(ctx, [(await src.poll!(ctx)) as never]);
    const req = fake.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`${VM1}/providers/Microsoft.Insights/metrics`);
    expect(req.query.get('api-version')).toBe('2024-02-01');
    expect(req.query.get('timespan')).toBe('2025-01-01T00:00:00Z/2025-01-01T00:05:00Z');
    expect(req.query.get('interval')).toBe('PT1M');
    expect(req.query.get('metricnames')).toBe('Percentage CPU');
    expect(req.query.get('aggregation')).toBe('average,maximum');
    expect(req.query.get('metricnamespace')).toBe('Microsoft.Compute/virtualMachines');
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(cred.calls[0]).toEqual(['https://management.azure.com/.default']);
    expect(got).toHaveLength(10); // 5 buckets × 2 aggregations
    const avg = got.filter((r) => r.labels['aggregation'] === 'average');
    expect(avg.map((r) => r.value)).toEqual([10, 11, 12, 13, 14]);
    expect(avg[0]!.labels).toEqual({
      __name__: 'azure_percentage_cpu_average',
      metric: 'Percentage CPU',
      aggregation: 'average',
      unit: 'Percent',
      resource_id: VM1,
      subscription_id: SUB,
      resource_group: 'web',
      resource_type: 'Microsoft.Compute/virtualMachines',
      resource_name: 'vm1',
    });
    const max = got.filter((r) => r.labels['aggregation'] === 'maximum').map((r) => r.value);
    for (const [i, v] of [12, 13.2, 14.4, 15.6, 16.8].entries()) expect(max[i]).toBeCloseTo(v, 9);
  });

  it('splits by a dimension filter into one series per dimension value', async () => {
    const src = azureMetricsSource(
      {
        ...base,
        endpoint: fake.url,
        metrics: ['Data Disk IOPS Consumed Percentage'],
        filter: "LUN eq '*'",
        lookbackMs: 120_000,
      },
      deps(),
    );
    const { ctx } = ctxAt(T0 + 120_000);
    fake.requests.length = 0;
    const got = rows(ctx, [(await src.poll!(ctx)) as never]);
    expect(fake.requests[0]!.query.get('$filter')).toBe("LUN eq '*'");
    expect(got.map((r) => [r.labels['dimension_lun'], r.value])).toEqual([
      ['0', 0],
      ['0', 1],
      ['1', 100],
      ['1', 101],
    ]);
  });

  it('does not repeat samples across overlapping polls and leaves the filling bucket for later', async () => {
    const src = azureMetricsSource({ ...base, endpoint: fake.url, lookbackMs: 150_000 }, deps());
    const first = ctxAt(T0 + 150_000); // bucket 00:02 is still filling
    const a = rows(first.ctx, [(await src.poll!(first.ctx)) as never]);
    expect(a.map((r) => r.ts - T0)).toEqual([0, 60_000]);
    const second = { ...first.ctx, clock: { ...first.ctx.clock, now: () => T0 + 240_000 } };
    const b = rows(second, [(await src.poll!(second)) as never]);
    expect(b.map((r) => r.ts - T0)).toEqual([120_000, 180_000]);
  });

  it('queries every resource, with a bad metric name reported as a partial error', async () => {
    const src = azureMetricsSource(
      {
        ...base,
        endpoint: fake.url,
        resources: [VM1, VM2],
        metrics: ['Percentage CPU', 'Nope'],
        lookbackMs: 60_000,
      },
      deps(),
    );
    const { ctx, log, counters } = ctxAt(T0 + 60_000);
    const got = rows(ctx, [(await src.poll!(ctx)) as never]);
    expect(new Set(got.map((r) => r.labels['resource_name']))).toEqual(new Set(['vm1', 'vm2']));
    expect(counters['partialErrors']).toBe(2);
    expect(log.lines.join('\n')).toMatch(/MetricNotFound/);
  });

  it("fails the poll on a partial error with partialErrors: 'fail'", async () => {
    const src = azureMetricsSource(
      { ...base, endpoint: fake.url, metrics: ['Nope'], partialErrors: 'fail' },
      deps(),
    );
    const { ctx } = ctxAt(T0 + 60_000);
    await expect(src.poll!(ctx)).rejects.toMatchObject({
      code: 'ERR_PLUGIN_FAILED',
      message: /MetricNotFound/,
    });
  });

  it('reads a range in requests of at most maxPointsPerRequest buckets', async () => {
    const src = azureMetricsSource({ ...base, endpoint: fake.url, maxPointsPerRequest: 10 }, deps());
    const { ctx } = ctxAt(T0 + 86_400_000);
    fake.requests.length = 0;
    const batches = [];
    for await (const b of src.readRange!({ from: T0, to: T0 + 25 * 60_000, stepMs: 60_000 }, ctx))
      batches.push(b);
    expect(fake.requests.map((r) => r.query.get('timespan'))).toEqual([
      '2025-01-01T00:00:00Z/2025-01-01T00:10:00Z',
      '2025-01-01T00:10:00Z/2025-01-01T00:20:00Z',
      '2025-01-01T00:20:00Z/2025-01-01T00:25:00Z',
    ]);
    const got = rows(ctx, batches);
    expect(got.map((r) => r.ts)).toEqual(Array.from({ length: 25 }, (_, i) => T0 + i * 60_000));
  });
});

describe('azureMetricsSource, batch api', () => {
  it('posts up to resourcesPerRequest ids per metrics:getBatch call, as documented', async () => {
    const cred = testCredential();
    const src = azureMetricsSource(
      {
        ...base,
        api: 'batch',
        endpoint: fake.url,
        resources: [VM1, VM2],
        resourcesPerRequest: 1,
        aggregations: ['average', 'maximum'],
        lookbackMs: 120_000,
      },
      deps(cred),
    );
    const { ctx } = ctxAt(T0 + 120_000);
    fake.requests.length = 0;
    const got = rows(ctx, [(await src.poll!(ctx)) as never]);
    expect(fake.requests).toHaveLength(2);
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/subscriptions/${SUB}/metrics:getBatch`);
    expect(req.query.get('api-version')).toBe('2024-02-01');
    expect(req.query.get('starttime')).toBe('2025-01-01T00:00:00.000Z');
    expect(req.query.get('endtime')).toBe('2025-01-01T00:02:00.000Z');
    expect(req.query.get('metricnamespace')).toBe('Microsoft.Compute/virtualMachines');
    expect(req.query.get('metricnames')).toBe('Percentage CPU');
    expect(req.query.get('aggregation')).toBe('average,maximum');
    expect(req.body).toEqual({ resourceids: [VM1] });
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(got).toHaveLength(8);
    expect(got[0]!.labels['resource_id']).toBe(VM1);
    expect(got[0]!.labels['metric']).toBe('Percentage CPU');
  });

  it('rejects batch mode without a region or endpoint, naming the field', () => {
    expect(() => azureMetricsSource({ ...base, endpoint: undefined, api: 'batch' })).toThrow(
      expect.objectContaining({
        code: 'ERR_PLUGIN_OPTIONS',
        message: expect.stringMatching(/region: api 'batch' needs/),
      }),
    );
  });
});

describe('azureMetricsSource options', () => {
  it.each([
    [{ resources: [] }, /resources/],
    [{ resources: ['vm1'] }, /resources\[0\]: expected an ARM resource id/],
    [{ metrics: [] }, /metrics/],
    [{ endpoint: 'http://127.0.0.1:1' }, /endpoint/],
    [{ timeGrain: 'PT2M' }, /timeGrain/],
    [{ auth: { type: 'clientSecret', tenantId: 't', clientId: 'c' } }, /auth\.clientSecret/],
    [{ auth: { type: 'password' } }, /auth\.type/],
  ])('rejects %j', (bad, field) => {
    expect(() => azureMetricsSource({ ...base, endpoint: 'https://x', ...bad } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringMatching(field) }),
    );
  });
});

describe('azureMetricsSource, sharded over replicas', () => {
  const ids = [1, 2, 3, 4, 5, 6].map(
    (i) => `/subscriptions/${SUB}/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/vm${i}`,
  );
  let six: FakeAzure;
  beforeAll(async () => {
    six = await startFakeAzure({ resources: ids.map((id) => vm(id)) });
  });
  afterAll(() => six.close());

  const polledBy = async (shard: { index?: number; total: number }): Promise<string[]> => {
    const src = azureMetricsSource(
      { ...base, resources: ids, endpoint: six.url, shard },
      { credential: testCredential(), clientOptions: { tlsOptions: { ca: six.cert } } },
    );
    const { ctx } = ctxAt(T0 + 300_000);
    six.requests.length = 0;
    await src.poll!(ctx);
    return six.requests.map((r) => r.path.replace('/providers/Microsoft.Insights/metrics', '')).sort();
  };

  it('replicas poll disjoint shares that together cover every resource; the HOSTNAME ordinal picks the share', async () => {
    const first = await polledBy({ index: 0, total: 2 });
    const second = await polledBy({ index: 1, total: 2 });
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(first.filter((p) => second.includes(p))).toEqual([]);
    expect([...first, ...second].sort()).toEqual([...ids].sort());
    const hostname = process.env['HOSTNAME'];
    process.env['HOSTNAME'] = 'argus-azure-1';
    try {
      expect(await polledBy({ total: 2 })).toEqual(second);
    } finally {
      if (hostname === undefined) delete process.env['HOSTNAME'];
      else process.env['HOSTNAME'] = hostname;
    }
    // one replica more moves only what the new replica takes (jump hash): nothing moves between the old two
    const third = await polledBy({ index: 2, total: 3 });
    const [a, b] = [await polledBy({ index: 0, total: 3 }), await polledBy({ index: 1, total: 3 })];
    expect(a.every((p) => first.includes(p)) && b.every((p) => second.includes(p))).toBe(true);
    expect([...a, ...b, ...third].sort()).toEqual([...ids].sort());
  });

  it('rejects a shard index outside the replicas', () => {
    expect(() => azureMetricsSource({ ...base, shard: { index: 2, total: 2 } })).toThrow(
      /shard\.index must be below shard\.total/,
    );
  });
});
