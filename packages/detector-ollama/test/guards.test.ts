import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, MODEL, rig, until } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  await fake.close();
});

const node = (n: number): Record<string, string> => ({ __name__: 'cpu', instance: `node-${n}` });

describe('budgets and breaker', () => {
  it('opens the circuit after `failures` failed calls, skips calls while open, tries once after cooldownMs', async () => {
    fake.fallback = { kind: 'status', status: 500, error: 'out of memory' };
    const r = rig(fake.url, { breaker: { failures: 2, cooldownMs: 30_000 } });
    await r.detector.start!(r.ctx);
    await r.judge([r.finding(node(1))]);
    await r.judge([r.finding(node(2))]);
    const [open] = await r.judge([r.finding(node(3))]);
    expect(open!.verdict.unjudged).toBe('circuitOpen');
    expect(fake.received).toHaveLength(2);
    expect((await r.detector.healthcheck!(r.ctx)).status).toBe('degraded');

    r.clock.advance(30_000);
    fake.script.push({ kind: 'answer', content: answer() });
    const [trial] = await r.judge([r.finding(node(4))]);
    expect(trial!.verdict.confirmed).toBe(true);
    expect(fake.received).toHaveLength(3);
    expect((await r.detector.healthcheck!(r.ctx)).status).toBe('ok');
  });

  it('passes findings through as overBudget once the minute’s tokens are spent, and resumes next minute', async () => {
    fake.fallback = { kind: 'answer', content: answer() };
    // the fake reports 60 tokens a call; the estimate of a call is well under 700 with num_predict 64
    const r = rig(fake.url, { budget: { tokensPerMinute: 700 }, modelOptions: { num_predict: 64 } });
    r.clock.set(Math.ceil(r.clock.now() / 60_000) * 60_000);
    await r.detector.start!(r.ctx);
    const [first] = await r.judge([r.finding(node(1))]);
    expect(first!.verdict.confirmed).toBe(true);
    const out = await r.judge([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => r.finding(node(n + 10))));
    const over = out.filter((v) => v.verdict.unjudged === 'overBudget').length;
    expect(over).toBeGreaterThan(0);
    expect(r.metrics.counts['unjudged.overBudget']).toBe(over);
    expect(fake.received.length).toBe(1 + out.length - over);

    r.clock.advance(60_000);
    const [next] = await r.judge([r.finding(node(99))]);
    expect(next!.verdict.confirmed).toBe(true);
  });

  it('answers a finding of the same series and window from the cache, without a call', async () => {
    fake.fallback = { kind: 'answer', content: answer() };
    const r = rig(fake.url, { cacheWindowMs: 300_000 });
    r.clock.set(Math.ceil(r.clock.now() / 300_000) * 300_000);
    await r.detector.start!(r.ctx);
    await r.judge([r.finding(node(1))]);
    r.clock.advance(60_000);
    const [cached] = await r.judge([r.finding(node(1))]);
    expect(cached!.verdict.confirmed).toBe(true);
    expect(fake.received).toHaveLength(1);
    expect(r.metrics.counts['cacheHits']).toBe(1);
    r.clock.advance(300_000);
    await r.judge([r.finding(node(1))]);
    expect(fake.received).toHaveLength(2);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    fake.fallback = { kind: 'hang' };
    const r = rig(fake.url, { concurrency: 2, timeoutMs: 10_000 });
    await r.detector.start!(r.ctx);
    const judging = r.judge([1, 2, 3, 4].map((n) => r.finding(node(n))));
    await until(() => expect(fake.hanging()).toBe(2));
    fake.fallback = { kind: 'answer', content: answer() };
    await r.clock.advanceAsync(10_000);
    const out = await judging;
    expect(out.map((v) => v.verdict.unjudged ?? 'judged')).toEqual([
      'timeout',
      'timeout',
      'judged',
      'judged',
    ]);
    expect(fake.received).toHaveLength(4);
  });

  it('returns before the judge call’s own deadline instead of losing every verdict', async () => {
    fake.fallback = { kind: 'hang' };
    const r = rig(fake.url, { timeoutMs: 600_000 });
    await r.detector.start!(r.ctx);
    const ctx = { ...r.ctx, deadline: r.clock.now() + 30_000 };
    const judging = r.detector.judge!([r.finding()], ctx);
    await until(() => expect(fake.hanging()).toBe(1));
    await r.clock.advanceAsync(29_000);
    const [v] = await judging;
    expect(v!.verdict.unjudged).toBe('timeout');
  });

  it('stops calls in flight at stop', async () => {
    fake.fallback = { kind: 'hang' };
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const judging = r.judge([r.finding()]);
    await until(() => expect(fake.hanging()).toBe(1));
    await r.detector.stop!(r.ctx);
    const [v] = await judging;
    expect(v!.verdict.unjudged).toBe('timeout');
  });
});
