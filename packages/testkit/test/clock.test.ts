import { createPipeline, silentLogger, sleep } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { fakeClock, memorySink } from './imports.js';
import { gaugeSource } from './reference.js';

describe('fakeClock', () => {
  it('starts at the given time and moves only when advanced', () => {
    const clock = fakeClock({ now: 1_000 });
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires due timers in time order, same-time timers in scheduling order, and not the later ones', () => {
    const clock = fakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('c@30'), 30);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('b@10'), 10);
    clock.setTimeout(() => fired.push('late@100'), 100);
    clock.advance(50);
    expect(fired).toEqual(['a@10', 'b@10', 'c@30']);
    expect(clock.pending()).toBe(1);
    expect(clock.now()).toBe(50);
  });

  it('shows each callback the time it was due at, and fires timers scheduled by callbacks within the window', () => {
    const clock = fakeClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 15);
    }, 10);
    clock.advance(30);
    expect(seen).toEqual([10, 25]);
  });

  it('clearTimeout cancels, and pending() counts what is left', () => {
    const clock = fakeClock();
    const fired: number[] = [];
    const h = clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => fired.push(2), 20);
    expect(clock.pending()).toBe(2);
    clock.clearTimeout(h);
    expect(clock.pending()).toBe(1);
    clock.advance(100);
    expect(fired).toEqual([2]);
    expect(clock.pending()).toBe(0);
  });

  it('runAll jumps to each timer until none is left, and stops a timer that reschedules forever', () => {
    const clock = fakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 5_000);
    clock.setTimeout(() => fired.push(clock.now()), 10);
    clock.runAll();
    expect(fired).toEqual([10, 5_000]);
    const forever = (): void => void clock.setTimeout(forever, 1);
    forever();
    expect(() => clock.runAll(50)).toThrow(/more than 50 timers/);
  });

  it('advanceAsync lets async code driven by timers progress; advance alone does not', async () => {
    const clock = fakeClock();
    let laps = 0;
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 100);
        laps++;
      }
    };
    const done = loop();
    clock.advance(300);
    expect(laps).toBe(0);
    await clock.advanceAsync(300);
    await done;
    expect(laps).toBe(3);
  });

  it('set() moves time forward without firing and refuses to go back', () => {
    const clock = fakeClock({ now: 100 });
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    clock.set(500);
    expect(fired).toBe(false);
    expect(() => clock.set(10)).toThrow(RangeError);
  });

  it('drives a real pipeline: one poll per interval as time advances', async () => {
    const clock = fakeClock({ now: 1_700_000_000_000 });
    const sink = memorySink();
    const pipeline = createPipeline({
      clock,
      logger: silentLogger,
      sources: [{ use: gaugeSource({ count: 2 }), intervalMs: 1_000 }],
      sinks: [sink],
    });
    await pipeline.start();
    await clock.advanceAsync(0);
    expect(sink.samples()).toHaveLength(2);
    await clock.advanceAsync(3_000);
    expect(sink.samples()).toHaveLength(8);
    expect(new Set(sink.samples().map((r) => r.timestamp)).size).toBe(4);
    await pipeline.stop();
  });
});
