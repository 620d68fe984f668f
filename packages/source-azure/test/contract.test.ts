// The three Azure sources under @argus/testkit's source contract: metrics and logs against the local fake
// Azure (HTTPS on loopback), alerts as a push source fed by a Common Alert Schema POST.
import { request } from 'node:http';
import type { Source } from '@argus/core';
import { testSource } from '@argus/testkit';
import { afterAll, beforeAll } from 'vitest';
import { azureAlertsSource, azureLogsSource, azureMetricsSource } from '../src/index.js';
import { fired, TOKEN } from './alert-fixture.js';
import { type FakeAzure, startFakeAzure } from './fake/server.js';
import { testCredential, VM1, vm } from './helpers.js';

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure({
    resources: [vm(VM1)],
    logs: (_target, _query, from) => ({
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'failed', type: 'long' },
          ],
          rows: [[new Date(from).toISOString(), 3]],
        },
      ],
    }),
  });
});
afterAll(() => fake.close());

// the first whole minute after the suite's default input start (1_700_000_000_000)
const deps = () => ({ credential: testCredential(), clientOptions: { tlsOptions: { ca: fake.cert } } });

testSource(
  () =>
    azureMetricsSource(
      {
        resources: [VM1],
        namespace: 'Microsoft.Compute/virtualMachines',
        metrics: ['Percentage CPU'],
        endpoint: fake.url,
        retryDelayMs: 20,
      },
      deps(),
    ),
  {
    title: 'azureMetricsSource',
    capabilities: { poll: true, readRange: true },
    expectData: false,
    badOptions: () => azureMetricsSource({ resources: [], namespace: '', metrics: [] }),
  },
);

testSource(
  () =>
    azureLogsSource(
      {
        workspaceId: '22222222-2222-2222-2222-222222222222',
        query: 'AppRequests | summarize failed = count() by bin(TimeGenerated, 1m)',
        endpoint: `${fake.url}/v1`,
        retryDelayMs: 10,
      },
      deps(),
    ),
  {
    title: 'azureLogsSource',
    capabilities: { poll: true, readRange: true },
    badOptions: () => azureLogsSource({ workspaceId: 'x', query: '' }),
  },
);

const post = (url: string, body: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });

testSource(() => azureAlertsSource({ token: TOKEN, listen: { port: 0 } }), {
  title: 'azureAlertsSource',
  capabilities: { listen: true },
  // a POST racing the suite's stop() may find the listener closed: then nothing was emitted, which the
  // suite's count comparison covers; any other failure fails the case
  produce: (s: Source) =>
    post(`${(s as ReturnType<typeof azureAlertsSource>).url()}?token=${TOKEN}`, JSON.stringify(fired)).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ECONNREFUSED') throw err;
      },
    ),
  badOptions: () => azureAlertsSource({ token: 'short' }),
});
