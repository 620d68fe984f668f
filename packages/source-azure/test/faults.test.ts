import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { azureMetricsSource } from '../src/index.js';
import { type FakeAzure, startFakeAzure } from './fake/server.js';
import { ctxAt, rows, T0, testCredential, VM1, VM2, vm } from './helpers.js';

let fake: FakeAzure;
let valid: string[] | undefined;
beforeAll(async () => {
  fake = await startFakeAzure({ resources: [vm(VM1), vm(VM2)], validTokens: () => valid ?? [] });
});
afterAll(() => fake.close());
beforeEach(() => {
  valid = undefined;
  fake.requests.length = 0;
  fake.deleted.clear();
});

function source(extra: Record<string, unknown> = {}, credential = testCredential()) {
  return azureMetricsSource(
    {
      resources: [VM1],
      namespace: 'Microsoft.Compute/virtualMachines',
      metrics: ['Percentage CPU'],
      endpoint: fake.url,
      lookbackMs: 120_000,
      retryDelayMs: 10,
      ...extra,
    },
    { credential, clientOptions: { tlsOptions: { ca: fake.cert } } },
  );
}

describe('faults', () => {
  it('waits out a 429 with Retry-After, then succeeds', async () => {
    valid = ['tok-1'];
    fake.fail({
      route: 'metrics',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'Retry after 1 seconds' } },
    });
    const { ctx } = ctxAt(T0 + 120_000);
    const got = rows(ctx, [(await source().poll!(ctx)) as never]);
    expect(fake.requests).toHaveLength(2);
    expect(got).toHaveLength(2);
  });

  it('fails the poll as retryable, naming the throttling, when 429s outlast the retries', async () => {
    valid = ['tok-1'];
    fake.fail({ route: 'metrics', status: 429, headers: { 'retry-after-ms': '5' }, times: 3 });
    const { ctx } = ctxAt(T0 + 120_000);
    await expect(source({ maxRetries: 2 }).poll!(ctx)).rejects.toMatchObject({
      code: 'ERR_PLUGIN_FAILED',
      retryable: true,
      message: expect.stringMatching(/HTTP 429.*throttled/),
    });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries 5xx with backoff (529 on the batch API too)', async () => {
    valid = ['tok-1'];
    fake.fail({ route: 'metrics', status: 503, times: 2 });
    const { ctx } = ctxAt(T0 + 120_000);
    expect(rows(ctx, [(await source().poll!(ctx)) as never])).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
    fake.requests.length = 0;
    fake.fail({ route: 'batch', status: 529 });
    const batch = source({ api: 'batch' });
    expect(rows(ctx, [(await batch.poll!(ctx)) as never])).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('times out a request that never answers, as a retryable ERR_UNREACHABLE', async () => {
    valid = ['tok-1'];
    fake.fail({ route: 'metrics', hang: true });
    const { ctx } = ctxAt(T0 + 120_000);
    await expect(source({ requestTimeoutMs: 300, maxRetries: 0 }).poll!(ctx)).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
      retryable: true,
      message: expect.stringMatching(/timed out.*requestTimeoutMs/),
    });
  });

  it('aborts when the poll deadline signal fires', async () => {
    valid = ['tok-1'];
    fake.fail({ route: 'metrics', hang: true });
    const ac = new AbortController();
    const { ctx } = ctxAt(T0 + 120_000, ac.signal);
    const p = source({ maxRetries: 0 }).poll!(ctx);
    setTimeout(() => ac.abort(new Error('deadline')), 100);
    await expect(p).rejects.toThrow();
  });

  it('refreshes the token after a 401 and retries once', async () => {
    const cred = testCredential();
    const src = source({}, cred);
    valid = ['tok-1'];
    const { ctx } = ctxAt(T0 + 120_000);
    await src.poll!(ctx);
    valid = ['tok-2']; // tok-1 expired early (or was revoked) server-side
    const later = ctxAt(T0 + 240_000);
    const got = rows(later.ctx, [(await src.poll!(later.ctx)) as never]);
    expect(got.length).toBeGreaterThan(0);
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-1',
      'Bearer tok-2',
    ]);
    expect(cred.calls).toHaveLength(2);
  });

  it('fails with a 401 that a fresh token does not cure, without the token in the error or logs', async () => {
    valid = ['someone-else'];
    const { ctx, log } = ctxAt(T0 + 120_000);
    const err = await Promise.resolve(source().poll!(ctx)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ERR_PLUGIN_FAILED', message: expect.stringMatching(/HTTP 401/) });
    const text = `${inspect(err, { depth: 10 })} ${JSON.stringify(err)} ${log.lines.join('\n')}`;
    expect(text).not.toMatch(/tok-\d/);
    expect(text).not.toMatch(/authorization/i);
  });

  it('names the role to grant on a 403', async () => {
    valid = ['tok-1'];
    fake.fail({
      route: 'metrics',
      status: 403,
      body: { error: { code: 'AuthorizationFailed', message: 'no access' } },
    });
    const { ctx } = ctxAt(T0 + 120_000);
    await expect(source().poll!(ctx)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/AuthorizationFailed.*Monitoring Reader/),
    });
  });

  it('ends the series of a resource deleted mid-run with stale markers, skips it, and keeps the others', async () => {
    valid = ['tok-1'];
    const src = source({ resources: [VM1, VM2] });
    const first = ctxAt(T0 + 120_000);
    expect(rows(first.ctx, [(await src.poll!(first.ctx)) as never])).toHaveLength(4);
    fake.deleted.add(VM2.toLowerCase());
    const second = { ...first.ctx, clock: { ...first.ctx.clock, now: () => T0 + 180_000 } };
    const got = rows(second, [(await src.poll!(second)) as never]);
    const stale = got.filter((r) => r.stale);
    expect(stale.map((r) => r.labels['resource_name'])).toEqual(['vm2']);
    expect(stale[0]!.ts).toBe(T0 + 180_000);
    expect(got.filter((r) => !r.stale).map((r) => r.labels['resource_name'])).toEqual(['vm1']);
    expect(first.counters['missingResources']).toBe(1);
    expect(first.log.lines.join('\n')).toMatch(/resource not found/);
    fake.requests.length = 0;
    await src.poll!({ ...first.ctx, clock: { ...first.ctx.clock, now: () => T0 + 240_000 } });
    expect(fake.requests.map((r) => r.path.includes('vm2'))).toEqual([false]);
  });

  it('fails the poll when every resource fails, and warns when only some do', async () => {
    valid = ['tok-1'];
    fake.fail({ route: 'metrics', status: 500 });
    const { ctx } = ctxAt(T0 + 120_000);
    await expect(source({ maxRetries: 0, concurrency: 1 }).poll!(ctx)).rejects.toMatchObject({
      message: /HTTP 500/,
    });
    fake.fail({ route: 'metrics', status: 500, times: 1 });
    const some = ctxAt(T0 + 120_000);
    const got = rows(some.ctx, [
      (await source({ maxRetries: 0, concurrency: 1, resources: [VM1, VM2] }).poll!(some.ctx)) as never,
    ]);
    expect(got.map((r) => r.labels['resource_name'])).toEqual(['vm2', 'vm2']);
    expect(some.counters['partialErrors']).toBe(1);
  });
});
