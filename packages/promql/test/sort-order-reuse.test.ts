// A selector's sorted order is reused when the Queryable hands out the same label objects in the same order as at
// its last fetch, and found again by sorting whenever they differ (other objects, other order, other count).
import { describe, expect, it } from 'vitest';
import { createEngine, type Queryable, type StoredSeries } from '../src/index.js';

const T = 1_700_000_000_000;
const series = (job: string): StoredSeries => ({
  labels: { __name__: 'up', job },
  timestamps: [T],
  values: [job.charCodeAt(0)],
});

describe('sorted order of a selector, reused across queries', () => {
  it('answers in label order whether or not the fetched series changed', async () => {
    let current: StoredSeries[] = [];
    const queryable: Queryable = { select: () => current, labelNames: () => [], labelValues: () => [] };
    const engine = createEngine({ queryable });
    const jobs = async () =>
      ((await engine.instantQuery('up', T)).result as unknown as { metric: { job: string } }[]).map(
        (s) => s.metric.job,
      );
    const b = series('b');
    const a = series('a');
    const c = series('c');
    current = [b, a];
    expect(await jobs()).toEqual(['a', 'b']);
    expect(await jobs()).toEqual(['a', 'b']); // the same objects, same order: the order found before
    current = [b, c]; // as many series, one of them another object: sorted again
    expect(await jobs()).toEqual(['b', 'c']);
    current = [c, b]; // the same objects in another order
    expect(await jobs()).toEqual(['b', 'c']);
    current = [c, b, a];
    expect(await jobs()).toEqual(['a', 'b', 'c']);
  });
});
