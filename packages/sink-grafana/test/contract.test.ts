import { testSink } from '@argus/testkit';
import { afterAll, beforeAll, expect } from 'vitest';
import { grafanaSink } from '../src/index.js';
import { type FakeGrafana, startFakeGrafana } from './grafana-api/fake-grafana.js';

let g: FakeGrafana;
beforeAll(async () => {
  g = await startFakeGrafana({ token: 't' });
});
afterAll(async () => {
  expect(g.violations).toEqual([]);
  await g.close();
});

testSink(() => grafanaSink({ url: g.url, token: 't' }), {
  capabilities: { healthcheck: true },
  badOptions: () => grafanaSink({ url: 'not a url', token: '' }),
});
