// Historical analysis jobs (issue 17): a rule backtest over the store's history, run in a worker thread. The
// worker is the built dist/job-worker.js (pnpm --filter @argus/server build), as a user's install runs it.
import { backtest, ruleGroups } from '@argus/alerting';
import { storeQueryable } from '@argus/promql';
import { createStore, type Store } from '@argus/store';
import { fakeClock } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobManager, JobView } from '../src/jobs/manager.js';
import type { BacktestResult } from '../src/jobs/run-backtest.js';
import { toSpec } from '../src/jobs/spec.js';
import { auth, type TestServer, testServer } from './helpers.js';
import { managerUntil } from './job-helpers.js';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const MIN = 60_000;
const RULES = `groups:
  - name: cpu
    interval: 1m
    rules:
      - record: instance:cpu:avg5m
        expr: avg_over_time(cpu[5m])
      - alert: HighCpu
        expr: instance:cpu:avg5m > 0.9
        for: 3m
        labels: { severity: page }
        annotations: { summary: 'cpu of {{ $labels.instance }} is {{ $value }}' }
`;

/** Three hours of cpu of two instances every 15 s; instance a runs hot twice (20 and 8 minutes), b never. */
function history(): Store {
  const store = createStore();
  for (let t = T0; t < T0 + 180 * MIN; t += 15_000) {
    const m = (t - T0) / MIN;
    const hot = (m >= 70 && m < 90) || (m >= 130 && m < 138);
    store.append({ __name__: 'cpu', instance: 'a' }, t, hot ? 0.97 : 0.4 + 0.1 * Math.sin(m));
    store.append({ __name__: 'cpu', instance: 'b' }, t, 0.3);
  }
  return store;
}

const body = { type: 'backtest', rules: RULES, from: T0 + 60 * MIN, to: T0 + 180 * MIN };

let s: TestServer | undefined;
let manager: JobManager | undefined;
afterEach(async () => {
  await manager?.close();
  await s?.close();
  s = manager = undefined;
});

const start = (srv: TestServer, payload: object, who: 'operator' | 'viewer' = 'operator') =>
  srv.app.inject({ method: 'POST', url: '/api/analysis/jobs', headers: auth(srv.tokens[who]), payload });
const get = (srv: TestServer, id: string, waitMs = 0) =>
  srv.app.inject({
    method: 'GET',
    url: `/api/analysis/jobs/${id}?waitMs=${waitMs}`,
    headers: auth(srv.tokens.viewer),
  });
const cancel = (srv: TestServer, id: string) =>
  srv.app.inject({ method: 'DELETE', url: `/api/analysis/jobs/${id}`, headers: auth(srv.tokens.operator) });

// A job that runs long: 3 days of a rule every second (no data needed), cancelled long before its end.
const LONG = {
  type: 'backtest',
  expr: 'vector(1) > 0',
  intervalMs: 1000,
  from: T0,
  to: T0 + 3 * 86_400_000,
  lookbackMs: 0,
};

// a worker thread starts in a second or two on a loaded machine: give each test room, never a timing assertion
describe('analysis jobs', { timeout: 60_000 }, () => {
  it('runs a backtest in a worker to the result of the same backtest run in process', async () => {
    const store = history();
    s = await testServer({ store });
    const res = await start(s, body);
    expect(res.statusCode, res.body).toBe(202);
    const job = res.json() as JobView;
    expect(res.headers.location).toBe(`/api/analysis/jobs/${job.id}`);
    expect(job).toMatchObject({ state: 'running', type: 'backtest', createdBy: 'token:operator-bot' });

    const done = (await get(s, job.id, 60_000)).json() as JobView;
    expect(done.state, done.error).toBe('succeeded');
    expect(done.worker).toBe('exited');
    expect(done.progress.done).toBe(done.progress.total);

    // the same rules over the same store, in this thread, as `argus backtest` runs them
    const scratch = createStore();
    const groups = ruleGroups({
      files: [{ file: 'body.rules', text: RULES }],
      queryable: storeQueryable(store),
      appender: scratch,
    });
    const direct = await backtest([groups.alerter], { from: body.from, to: body.to, stepMs: 60_000 });
    expect(direct.filter((t) => t.alert.state === 'firing')).toHaveLength(2);
    expect((done.result as BacktestResult).transitions).toEqual(JSON.parse(JSON.stringify(direct)));
    expect((done.result as BacktestResult).counts.firing).toBe(2);
    expect((done.result as BacktestResult).ruleErrors).toEqual([]);
    expect(done.samples).toBeGreaterThan(0);
    await scratch.close();
    await store.close();
  });

  it('cancels a running job: its worker thread exits and it has no result', async () => {
    const made = managerUntil(undefined, (v) => v.progress.done > 0);
    manager = made.manager;
    const { seen, reached: evaluating } = made;
    const spec = toSpec({ ...LONG, type: 'backtest' });
    if ('field' in spec) throw new Error(spec.message);
    const job = manager.start(spec, [], 'test', createStore());
    await evaluating; // the worker is evaluating: it has reported progress
    const view = await manager.cancel(job.id);
    expect(view).toMatchObject({ state: 'cancelled', worker: 'exited', phase: 'finished' });
    expect(view!.progress.done).toBeLessThan(view!.progress.total);
    expect(manager.get(job.id)!.result).toBeUndefined();
    expect(seen.filter((v) => v.worker === 'exited')).toHaveLength(1);
    expect(manager.running()).toBe(0);
  });

  it('bounds the jobs running at once (429 naming the limit) and frees a slot on cancel', async () => {
    s = await testServer({ store: createStore(), jobs: { maxRunning: 1 } });
    const first = await start(s, LONG);
    expect(first.statusCode).toBe(202);
    const full = await start(s, LONG);
    expect(full.statusCode).toBe(429);
    expect(full.headers['retry-after']).toBeDefined();
    expect(full.json()).toMatchObject({
      error: 'jobs_full',
      message: expect.stringContaining('jobs.maxRunning'),
    });
    const cancelled = await cancel(s, first.json().id);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', worker: 'exited' });
    expect((await start(s, LONG)).statusCode).toBe(202);
    const list = await s.app.inject({ url: '/api/analysis/jobs', headers: auth(s.tokens.viewer) });
    expect((list.json() as JobView[]).map((j) => j.state)).toEqual(['running', 'cancelled']);
  });

  it('keeps a finished job for resultTtlMs, then forgets it', async () => {
    const clock = fakeClock({ now: T0 });
    const store = history();
    s = await testServer({ store, clock, jobs: { resultTtlMs: 10 * MIN } });
    const id = (await start(s, { ...body, rules: undefined, expr: 'cpu > 2' })).json().id as string;
    const done = (await get(s, id, 60_000)).json() as JobView;
    expect(done).toMatchObject({ state: 'succeeded', expiresAt: T0 + 10 * MIN });
    expect((done.result as BacktestResult).transitions).toEqual([]);
    clock.advance(10 * MIN - 1);
    expect((await get(s, id)).statusCode).toBe(200);
    clock.advance(1);
    expect((await get(s, id)).statusCode).toBe(404);
    await store.close();
  });

  it('answers bad input with a 400 naming the field, and audits starts and cancels', async () => {
    s = await testServer({ store: createStore() });
    const bad: [object, string][] = [
      [{ ...body, expr: 'up' }, 'body.rules'],
      [{ ...body, rules: undefined }, 'body.rules'],
      [{ ...body, rules: 'groups: [{name: x, rules: [{alert: A, expr: "up >"}]}]' }, 'body.rules'],
      [{ ...body, from: body.to }, 'body.from'],
      [{ ...body, match: 'cpu{' }, 'body.match'],
      [{ ...body, extra: 1 }, 'body'],
      [{ ...body, from: 'yesterday' }, 'body.from'],
    ];
    for (const [payload, field] of bad) {
      const res = await start(s, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, res.body).toBe(field);
    }
    expect((await start(s, body, 'viewer')).statusCode).toBe(403);
    expect((await get(s, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const id = (await start(s, LONG)).json().id as string;
    await cancel(s, id);
    const audit = await s.app.inject({ url: '/api/audit', headers: auth(s.tokens.admin) });
    const entries = (audit.json() as { action: string; target?: string; actor: string }[]).filter((e) =>
      e.action.startsWith('analysis'),
    );
    expect(entries.map((e) => [e.action, e.target, e.actor])).toEqual([
      ['analysisCancel', id, 'token:operator-bot'],
      ['analysisStart', id, 'token:operator-bot'],
    ]);
  });

  it('answers 404 without a store, and is in the OpenAPI document', async () => {
    s = await testServer();
    expect((await start(s, body)).json()).toMatchObject({ error: 'no_store' });
    const doc = (await s.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, object>;
    };
    expect(Object.keys(doc.paths['/api/analysis/jobs']!)).toEqual(['post', 'get']);
    expect(Object.keys(doc.paths['/api/analysis/jobs/{id}']!)).toEqual(['get', 'delete']);
  });
});
