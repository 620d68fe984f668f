// The fake is only useful if it refuses what Grafana's API does not describe: these requests must fail.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type FakeGrafana, startFakeGrafana } from './grafana-api/fake-grafana.js';

let g: FakeGrafana;
beforeEach(async () => {
  g = await startFakeGrafana({ token: 't' });
});
afterEach(() => g.close());

const post = (path: string, body: unknown) =>
  fetch(`${g.url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('answers 400 and records a violation for bodies outside the schemas', async () => {
  expect((await post('/api/annotations', { time: 1, tags: ['a'] })).status).toBe(400); // text is required
  expect((await post('/api/annotations', { text: 'x', timeEnd: 'later' })).status).toBe(400);
  expect((await post('/api/annotations', { text: 'x', dashboardUid: 'wrong-case' })).status).toBe(400);
  expect((await post('/api/dashboards/db', { dashboard: { title: 't', uid: 'x'.repeat(41) } })).status).toBe(
    400,
  );
  expect(g.violations).toHaveLength(4);
  expect(g.annotations).toHaveLength(0);
});

it('accepts the documented request and answers in the documented shape', async () => {
  const r = await post('/api/annotations', {
    time: 1,
    timeEnd: 2,
    tags: ['a'],
    text: 'x',
    dashboardUID: 'd',
  });
  expect(await r.json()).toEqual({ message: 'Annotation added', id: 1 });
  expect(g.violations).toEqual([]);
});
