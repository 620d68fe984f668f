import { createPipeline } from '@argus/core';
import { fakeClock, manualSource, memorySink } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { flatlineDetector } from '../src/index.js';

const STEP = 10_000;
// The runtime's evaluate timer is a real interval (core does not drive it from the injected clock), so the test runs
// it every 5 ms of real time and waits for a few ticks after moving the fake clock, which is what ctx.now reads.
const TICK_MS = 5;
const ticks = (): Promise<void> => new Promise((r) => setTimeout(r, 8 * TICK_MS));

describe('absent series (flatline tick)', () => {
  it('reports a series that stopped reporting once overdue by gapFactor × its interval, once, and re-arms on data', async () => {
    const clock = fakeClock({ now: 1_000_000 });
    const source = manualSource({ name: 'src' });
    const sink = memorySink({ accepts: ['findings'] });
    const pipeline = createPipeline({
      clock,
      sources: [source],
      detectors: [flatlineDetector({ warmupSamples: 5, gapFactor: 5 })],
      sinks: [sink],
      evaluateIntervalMs: TICK_MS,
    });
    await pipeline.start();
    const send = async (labels: Record<string, string>, value: number): Promise<void> => {
      await source.pushSamples([{ labels, value, timestamp: clock.now() }]);
    };
    // Two series every 10 s for 10 samples; then "b" stops while "a" goes on.
    for (let i = 0; i < 10; i++) {
      await send({ __name__: 'up', job: 'a' }, i);
      await send({ __name__: 'up', job: 'b' }, i);
      await clock.advanceAsync(STEP);
    }
    const missing = () => sink.findings().filter((f) => f.kind === 'missing');
    for (let i = 0; i < 3; i++) {
      await send({ __name__: 'up', job: 'a' }, 10 + i);
      await clock.advanceAsync(STEP);
    }
    await ticks();
    expect(missing()).toEqual([]); // b is 3-4 intervals late: not yet overdue
    for (let i = 0; i < 6; i++) {
      await send({ __name__: 'up', job: 'a' }, 20 + i);
      await clock.advanceAsync(STEP);
    }
    await ticks();
    await ticks();
    expect(missing()).toHaveLength(1); // one finding per absence, though later ticks see it still absent
    const [f] = missing();
    expect(f?.detector).toBe('flatline');
    expect(f?.value).toBeNaN();
    expect(f?.explanation).toMatch(/stopped reporting/);
    expect(f?.timestamp).toBeGreaterThanOrEqual(1_000_000 + 9 * STEP + 5 * STEP);
    // b comes back (a late sample; the gap on it scores too), then stops again: a second absence is reported.
    await send({ __name__: 'up', job: 'b' }, 1);
    for (let i = 0; i < 40; i++) {
      await send({ __name__: 'up', job: 'a' }, 30 + i);
      await clock.advanceAsync(STEP);
    }
    await ticks();
    await pipeline.stop();
    const absences = missing().filter((x) => /stopped reporting/.test(x.explanation));
    expect(absences).toHaveLength(2);
    expect(sink.findings().every((x) => x.series === f?.series)).toBe(true); // a, always on time, never reported
    // a real pipeline on a fake clock: no wall-clock wait, but 3.5 s of work idle and over 5 s on a loaded 2-core machine
  }, 30_000);
});
