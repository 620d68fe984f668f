import { describe, expect, it } from 'vitest';
import { DropReporter } from '../src/pipeline/drops.js';
import { manualClock } from './helpers.js';

// Drops are reported once per burst: the first at once, the rest summed and reported when the burst has been
// quiet for the window; the reported counts add up to the exact total.
describe('DropReporter', () => {
  const setup = () => {
    const { clock, advance } = manualClock(10_000);
    const reports: [at: number, count: number, reason: string, first: boolean][] = [];
    const r = new DropReporter(clock, (n, why, first) => reports.push([clock.now(), n, why, first]), 1000);
    return { clock, advance, reports, r };
  };

  it('reports the first drop at once and sums the rest until the burst has been quiet for the window', async () => {
    const { advance, reports, r } = setup();
    r.add(1, 'bufferFull');
    for (let i = 0; i < 9; i++) {
      await advance(300); // each drop comes before the window ends: the burst goes on
      r.add(2, 'bufferFull');
    }
    expect(reports).toEqual([[10_000, 1, 'bufferFull', true]]);
    await advance(999);
    expect(reports).toHaveLength(1);
    await advance(1);
    // 1,000 ms after the last drop (at 12,700)
    expect(reports).toEqual([
      [10_000, 1, 'bufferFull', true],
      [13_700, 18, 'bufferFull', false],
    ]);
    // a quiet window later the burst is over: the next drop is the first of a new one
    await advance(5_000);
    r.add(3, 'seriesLimit');
    expect(reports.at(-1)).toEqual([18_700, 3, 'seriesLimit', true]);
    expect(reports.reduce((n, x) => n + x[1], 0)).toBe(1 + 18 + 3);
  });

  it('keeps reasons apart and reports what is pending on flush', async () => {
    const { advance, reports, r } = setup();
    r.add(1, 'bufferFull');
    await advance(10);
    r.add(4, 'bufferFull');
    r.add(5, 'seriesLimit');
    r.flush();
    expect(reports.map(([, n, why, first]) => [n, why, first])).toEqual([
      [1, 'bufferFull', true],
      [4, 'bufferFull', false],
      [5, 'seriesLimit', false],
    ]);
    await advance(10_000);
    expect(reports).toHaveLength(3);
  });
});
