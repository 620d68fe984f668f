// Analysis jobs over the live events stream (issue 17): a real EventSource client (the `eventsource` package, the
// WHATWG client) over HTTP follows a job from its start to its end.
import { createStore } from '@argus/store';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../src/jobs/manager.js';
import { auth, type TestServer, testServer } from './helpers.js';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const MIN = 60_000;

let s: TestServer | undefined;
let es: EventSource | undefined;
afterEach(async () => {
  es?.close();
  await s?.close();
  s = es = undefined;
});

/** An EventSource on /api/events with a bearer token; resolves once it is open. */
async function listen(url: string, token: string): Promise<EventSource> {
  const source = new EventSource(`${url}/api/events`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...auth(token) } }),
  });
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (e) => reject(new Error(`EventSource: ${e.message ?? e.code}`));
  });
  return source;
}

/** The `job` events of one job, until one says it has ended (its worker exited, or it never had one). */
function jobEvents(
  source: EventSource,
  ended: (v: JobView) => boolean,
): Promise<{ id: string; job: JobView }[]> {
  const seen: { id: string; job: JobView }[] = [];
  return new Promise((resolve) => {
    source.addEventListener('job', (e) => {
      const job = JSON.parse(e.data) as JobView;
      seen.push({ id: e.lastEventId, job });
      if (ended(job)) resolve(seen);
    });
  });
}

describe('job events on /api/events', { timeout: 60_000 }, () => {
  it('streams a batch run from running to succeeded, progress in order, without the result', async () => {
    const store = createStore();
    for (let t = T0; t < T0 + 120 * MIN; t += 15_000)
      store.append(
        { __name__: 'latency', service: 'api' },
        t,
        t === T0 + 60 * MIN ? 9 : 1 + 0.1 * Math.sin(t),
      );
    s = await testServer({ store });
    const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
    es = await listen(url, s.tokens.viewer);
    const events = jobEvents(es, (v) => v.state !== 'running' && v.worker === 'exited');
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/analysis/jobs',
      headers: auth(s.tokens.operator),
      payload: { type: 'batch', detectors: [{ use: 'mad' }], from: T0, to: T0 + 120 * MIN },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    const got = (await events).filter((e) => e.job.id === id);

    expect(got[0]!.job).toMatchObject({
      state: 'running',
      phase: 'copying',
      type: 'batch',
      createdBy: 'token:operator-bot',
    });
    const phases = got.map((e) => e.job.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['copying', 'evaluating', 'finished']);
    const done = got.map((e) => e.job.progress.done);
    expect(done).toEqual([...done].sort((a, b) => a - b)); // never goes back
    const ids = got.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b)); // numbered for Last-Event-ID
    const last = got.at(-1)!.job;
    expect(last).toMatchObject({ state: 'succeeded', worker: 'exited' });
    expect(last.progress.done).toBe(last.progress.total);
    expect(got.every((e) => e.job.result === undefined)).toBe(true);
    // the result is behind the jobs API, and the last event is the job as it shows it
    const view = (
      await s.app.inject({ url: `/api/analysis/jobs/${id}`, headers: auth(s.tokens.viewer) })
    ).json() as JobView;
    expect(view.result).toBeDefined();
    const { result: _r, ...rest } = view;
    expect(rest).toEqual(last);
    // and /metrics counted it: started, ended succeeded, none running
    const metrics = (await s.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('argus_analysis_jobs_started_total{type="batch"} 1\n');
    expect(metrics).toContain('argus_analysis_jobs_finished_total{type="batch",state="succeeded"} 1\n');
    expect(metrics).toContain('argus_analysis_jobs_running 0\n');
    expect(metrics).toContain('argus_events_clients 1\n');
    await store.close();
  });

  it('streams a cancel, and keeps job events from clients without the read permission', async () => {
    s = await testServer({ store: createStore() });
    const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
    // a sender (Prometheus, a webhook) may post alerts, not read: no event stream, no job events
    expect((await fetch(`${url}/api/events`, { headers: auth(s.tokens.sender) })).status).toBe(403);
    expect((await fetch(`${url}/api/events`)).status).toBe(401);
    es = await listen(url, s.tokens.viewer);
    // cancelled while copying, it never had a worker; while evaluating, its worker exits after the cancel
    const events = jobEvents(es, (v) => v.state === 'cancelled' && v.worker !== 'running');
    // three days of a rule every second: it runs until cancelled
    const long = { type: 'backtest', expr: 'vector(1)', intervalMs: 1000, from: T0, to: T0 + 3 * 86_400_000 };
    const started = await s.app.inject({
      method: 'POST',
      url: '/api/analysis/jobs',
      headers: auth(s.tokens.operator),
      payload: long,
    });
    const id = started.json().id as string;
    const cancel = await s.app.inject({
      method: 'DELETE',
      url: `/api/analysis/jobs/${id}`,
      headers: auth(s.tokens.operator),
    });
    expect(cancel.json()).toMatchObject({ state: 'cancelled' });
    const got = (await events).filter((e) => e.job.id === id);
    expect(got[0]!.job.state).toBe('running');
    expect(got.at(-1)!.job).toMatchObject({ state: 'cancelled', phase: 'finished' });
    expect(['none', 'exited']).toContain(got.at(-1)!.job.worker);
  });
});
