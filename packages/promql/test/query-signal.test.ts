// A query's signal fires on its timeout with a TimeoutError (what abortedError turns into Prometheus's timeout
// message) or with the caller's reason, and done() detaches it from the caller's signal.
import { describe, expect, it } from 'vitest';
import { querySignal } from '../src/engine/query-signal.js';

const aborted = (s: AbortSignal) => new Promise<void>((ok) => s.addEventListener('abort', () => ok()));

describe('querySignal', () => {
  it('fires with a TimeoutError when its time is up', async () => {
    const q = querySignal(1, undefined);
    await aborted(q.signal);
    expect((q.signal.reason as DOMException).name).toBe('TimeoutError');
    q.done();
  });

  it("fires with the caller's reason, at once when the caller's signal has already fired", () => {
    const outer = new AbortController();
    const q = querySignal(60_000, outer.signal);
    expect(q.signal.aborted).toBe(false);
    outer.abort(new Error('stop'));
    expect(q.signal.reason).toEqual(new Error('stop'));
    q.done();
    const late = querySignal(60_000, outer.signal);
    expect(late.signal.reason).toEqual(new Error('stop'));
    late.done();
  });

  it('after done() neither the timer nor the caller fires it', async () => {
    const outer = new AbortController();
    const q = querySignal(1, outer.signal);
    q.done();
    await new Promise((ok) => setTimeout(ok, 5));
    outer.abort();
    expect(q.signal.aborted).toBe(false);
  });
});
