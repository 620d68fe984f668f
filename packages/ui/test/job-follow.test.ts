import { describe, expect, it } from 'vitest';
import type { JobView } from '../src/backtest.js';
import { followJob, type JobEvents, WAIT_MS } from '../src/job-follow.js';

const view = (id: string, done: number, state: JobView['state'] = 'running'): JobView => ({
  id,
  type: 'backtest',
  state,
  phase: state === 'running' ? 'evaluating' : 'finished',
  progress: { done, total: 10 },
  from: 0,
  to: 1,
  samples: 5,
  createdBy: 'ops',
  createdAt: 0,
});

/** An event source the test fires by hand, as the browser's would on a connection, a frame or a failure. */
function fakeEvents(): JobEvents & {
  fire: (type: 'open' | 'error' | 'job', data?: unknown) => void;
  closed: boolean;
} {
  const fns = new Map<string, ((e: { data?: unknown }) => void)[]>();
  const es = {
    readyState: 0,
    closed: false,
    addEventListener: (type: string, fn: (e: { data?: unknown }) => void) =>
      fns.set(type, [...(fns.get(type) ?? []), fn]),
    close: () => {
      es.closed = true;
      es.readyState = 2;
    },
    fire: (type: string, data?: unknown) => {
      for (const fn of fns.get(type) ?? [])
        fn({ data: data === undefined ? undefined : JSON.stringify(data) });
    },
  };
  return es as never;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A server whose GET answers with the job as the test sets it, recording each `waitMs` asked. */
function server(first: JobView) {
  let now = first;
  const waits: number[] = [];
  const shown: string[] = [];
  let ended = 0;
  return {
    set: (j: JobView) => {
      now = j;
    },
    waits,
    shown,
    ended: () => ended,
    deps: (events?: () => JobEvents) => ({
      events,
      get: async (waitMs: number) => {
        waits.push(waitMs);
        // a long poll answers later (the server holds it until a change or the wait ends); one a turn of the loop here
        if (waitMs > 0) await settle();
        return now;
      },
      onJob: (j: JobView) => shown.push(`${j.state} ${j.progress.done}`),
      onEnd: () => {
        ended++;
      },
      onError: (m: string) => shown.push(`error ${m}`),
    }),
  };
}

describe('followJob', () => {
  it('follows the job from its live events: progress as it comes, the result fetched once at the end, no long polls', async () => {
    const s = server(view('j1', 0));
    const es = fakeEvents();
    followJob(
      'j1',
      s.deps(() => es),
    );
    es.fire('open');
    await settle();
    es.fire('job', view('j1', 3));
    es.fire('job', view('other', 9)); // another job's event changes nothing here
    es.fire('job', view('j1', 7));
    s.set(view('j1', 10, 'succeeded'));
    es.fire('job', view('j1', 10, 'succeeded'));
    await settle();
    expect(s.shown).toEqual(['running 0', 'running 3', 'running 7', 'succeeded 10']);
    expect(s.waits).toEqual([0, 0]);
    expect(s.ended()).toBe(1);
    expect(es.closed).toBe(true);
  });

  it('long-polls when the events never connect', async () => {
    const s = server(view('j1', 0));
    const es = fakeEvents();
    followJob(
      'j1',
      s.deps(() => es),
    );
    es.fire('error');
    await settle();
    s.set(view('j1', 10, 'failed'));
    await settle();
    await settle();
    expect(es.closed).toBe(true);
    expect(s.waits[0]).toBe(0);
    expect(s.waits.slice(1).every((w) => w === WAIT_MS)).toBe(true);
    expect(s.shown.at(-1)).toBe('failed 10');
    expect(s.ended()).toBe(1);
  });

  it('long-polls where the page has no event source, and stops when told', async () => {
    const s = server(view('j1', 0));
    const stop = followJob('j1', s.deps());
    await settle();
    stop();
    const asked = s.waits.length;
    s.set(view('j1', 10, 'succeeded'));
    await settle();
    await settle();
    expect(asked).toBeGreaterThan(0);
    expect(s.waits.length).toBeLessThanOrEqual(asked + 1);
    expect(s.ended()).toBe(0);
  });

  it('drops an answer older than an event that came after it was asked', async () => {
    const s = server(view('j1', 0));
    const es = fakeEvents();
    followJob(
      'j1',
      s.deps(() => es),
    );
    es.fire('open'); // its GET answers with done 0, after the event below
    es.fire('job', view('j1', 5));
    await settle();
    expect(s.shown).toEqual(['running 5']);
  });
});
