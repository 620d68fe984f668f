// GET /api/promql/selectors: the series selectors of an expression, as the PromQL parser reads them.

import { parseExpr } from '@argus/promql';
import { afterEach, describe, expect, it } from 'vitest';
import { exprSelectors } from '../src/routes/promql-selectors.js';
import { auth, type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const ask = async (t: TestServer, expr: string, token?: string) =>
  t.app.inject({
    url: `/api/promql/selectors?${new URLSearchParams({ expr })}`,
    ...(token ? { headers: auth(token) } : {}),
  });

describe('GET /api/promql/selectors', () => {
  it('names the selectors inside functions, aggregations and both sides of an operation, in order', async () => {
    const t = (s = await testServer());
    const res = await ask(
      t,
      'sum by (job) (rate(http_errors_total{code=~"5.."}[5m])) / on(job) up{job!="x"} > 0.1',
      t.tokens.viewer,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      selectors: [
        { name: 'http_errors_total', matchers: [{ name: 'code', op: '=~', value: '5..' }] },
        { name: 'up', matchers: [{ name: 'job', op: '!=', value: 'x' }] },
      ],
    });
    expect((await ask(t, '{__name__="a", job="b"}', t.tokens.viewer)).json().selectors).toEqual([
      {
        matchers: [
          { name: '__name__', op: '=', value: 'a' },
          { name: 'job', op: '=', value: 'b' },
        ],
      },
    ]);
    expect((await ask(t, '1 + 2', t.tokens.viewer)).json()).toEqual({ selectors: [] });
  });

  it('answers 400 naming expr for a bad expression, and 401 without credentials', async () => {
    const t = (s = await testServer());
    const bad = await ask(t, 'rate(x[5m]', t.tokens.viewer);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('expr');
    expect((await ask(t, 'up')).statusCode).toBe(401);
  });

  it('walks subqueries, parens, unary minus and aggregation parameters', () => {
    const names = (q: string) => exprSelectors(parseExpr(q)).map((v) => v.name);
    expect(names('-(max_over_time(a[1h:5m]))')).toEqual(['a']);
    expect(names('topk(scalar(k), b) or c')).toEqual(['k', 'b', 'c']);
  });
});
