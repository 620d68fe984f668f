import { createStore } from '@argus/store';
import Fastify from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { argusApi } from '../src/index.js';
import { auth, type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
});

function filledStore() {
  const store = createStore();
  for (let i = 0; i <= 10; i++) {
    store.append({ __name__: 'up', job: 'api' }, i * 15_000, 1);
    store.append({ __name__: 'up', job: 'db' }, i * 15_000, i < 5 ? 1 : 0);
  }
  return store;
}

it("answers Prometheus's query API under /api/v1 over the store (GET and form POST)", async () => {
  s = await testServer({ store: filledStore() });
  const h = auth(s.tokens.viewer);
  const get = await s.app.inject({ url: '/api/v1/query?query=sum%20by%20(job)%20(up)&time=150', headers: h });
  expect(get.statusCode).toBe(200);
  expect(get.json()).toMatchObject({ status: 'success', data: { resultType: 'vector' } });
  expect(get.json().data.result).toEqual(
    expect.arrayContaining([
      { metric: { job: 'api' }, value: [150, '1'] },
      { metric: { job: 'db' }, value: [150, '0'] },
    ]),
  );
  const post = await s.app.inject({
    method: 'POST',
    url: '/api/v1/query',
    headers: { ...h, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'query=up%7Bjob%3D%22db%22%7D&time=150',
  });
  expect(post.json().data.result).toEqual([{ metric: { __name__: 'up', job: 'db' }, value: [150, '0'] }]);
  const bad = await s.app.inject({ url: '/api/v1/query?query=sum(', headers: h });
  expect(bad.statusCode).toBe(400);
  expect(bad.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  expect((await s.app.inject({ url: '/api/v1/query?query=up' })).statusCode).toBe(401);
});

it('works mounted under a prefix in your own fastify app', async () => {
  s = await testServer();
  const app = Fastify();
  await app.register(argusApi, {
    prefix: '/argus',
    alertManager: s.am,
    state: s.state,
    store: filledStore(),
  });
  try {
    const res = await app.inject({ url: '/argus/api/v1/labels', headers: auth(s.tokens.viewer) });
    expect(res.json()).toEqual({ status: 'success', data: ['__name__', 'job'] });
    expect((await app.inject({ url: '/argus/-/healthy' })).statusCode).toBe(200);
  } finally {
    await app.close();
  }
});
