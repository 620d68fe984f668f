// The first queries after a store opens run interpreted, ten to fifty times slower than warm: a loop over every
// fetched series that never asks the clock, quick when warm, then held the event loop for milliseconds beside its
// slice. No time is measured: a scheduler yields at every checkpoint, and getters on the fetched series and their
// label sets count the reads between two yields.
import { describe, expect, it } from 'vitest';
import {
  type FetchedQueryable,
  type FetchedSeries,
  releaseFetched,
  selectFetched,
} from '../src/engine/fetch.js';
import { createEngine, type Labels, memoryQueryable, type Scheduler } from '../src/index.js';
import { everyCheckpoint, longestStretch } from './checkpoints.js';

const T0 = 1_700_000_000_000;

/** A Queryable with its own select of `n` one-sample series; reads of a series' `metric`, `hi` and `job` count. */
function countedQueryable(n: number, onRelease: () => void) {
  let reads = 0;
  const labels: Labels[] = Array.from({ length: n }, (_, i) => {
    const l: Record<string, string> = { __name__: 'x', i: String(i).padStart(6, '0') };
    Object.defineProperty(l, 'job', {
      enumerable: true,
      get: () => {
        reads++;
        return `j${i % 4}`;
      },
    });
    return l;
  });
  const series = (): FetchedSeries[] =>
    labels.map((l, i) => {
      const s = {
        ts: Float64Array.of(T0),
        vs: Float64Array.of(i),
        stale: new Uint8Array(1),
        lo: 0,
        hasStale: false,
      };
      const counted =
        <T>(x: T) =>
        () => {
          reads++;
          return x;
        };
      Object.defineProperty(s, 'metric', { get: counted(l) });
      Object.defineProperty(s, 'hi', { get: counted(1) });
      return s as unknown as FetchedSeries;
    });
  const queryable: FetchedQueryable = {
    select: () => [],
    labelNames: () => [],
    labelValues: () => [],
    [selectFetched]: async () => series(),
    [releaseFetched]: onRelease,
  };
  return { queryable, reads: () => reads };
}

describe('loops over every fetched series ask the clock', () => {
  it('hands over, sorts and orders ten thousand series in chunks, at the first select and at later ones', async () => {
    const { queryable, reads } = countedQueryable(10_000, () => {});
    const scheduler = everyCheckpoint(reads);
    const engine = createEngine({ queryable, scheduler });
    for (const run of [1, 2]) {
      const before = scheduler.at.length;
      const from = reads();
      const r = await engine.instantQuery('count by (job) (x)', T0);
      expect(r.result, `run ${run}`).toHaveLength(4);
      // each series' `hi` is read twice and its `metric` a few times: about 40,000 reads in each query, at most
      // two chunks' worth of them between two yields (unchunked: the hand-over alone read 20,000)
      const at = scheduler.at.slice(before).map((n) => n - from);
      expect(reads() - from, `run ${run}`).toBeGreaterThan(30_000);
      expect(longestStretch(at, reads() - from), `run ${run}`).toBeLessThanOrEqual(5_000);
    }
  });

  it('folds an instant aggregation in chunks, then evaluates and hands the series back after yields', async () => {
    let readsAtRelease = -1;
    let yieldsAtRelease = -1;
    const { queryable, reads } = countedQueryable(10_000, () => {
      readsAtRelease = reads();
      yieldsAtRelease = scheduler.at.length;
    });
    const scheduler = everyCheckpoint(reads);
    const engine = createEngine({ queryable, scheduler });
    const r = await engine.instantQuery('sum by (job) (x)', T0);
    // series i has value i: group j<k> sums the i with i % 4 = k
    const sums = [0, 1, 2, 3].map((k) =>
      Array.from({ length: 2_500 }, (_, m) => 4 * m + k).reduce((a, b) => a + b),
    );
    expect(r.result).toEqual(sums.map((v, k) => ({ metric: { job: `j${k}` }, t: T0, v })));
    expect(readsAtRelease).toBeGreaterThan(0);
    // after the grouping's last read of `job`: a yield before each of the fold's ten chunks of 1,024 series, one
    // before the evaluation and one before the hand-back (none at all when the fold ran inside the evaluation)
    const after = scheduler.at.slice(0, yieldsAtRelease).filter((n) => n === readsAtRelease);
    expect(after.length).toBeGreaterThanOrEqual(12);
  });
});

describe('an instant aggregation folded ahead', () => {
  it('equals the same step folded inside a range query’s evaluation, for every operator, over random values', async () => {
    let state = 5;
    const rand = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const special = [Number.NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308];
    const value = () => (rand() < 0.1 ? special[Math.floor(rand() * special.length)]! : (rand() - 0.5) * 1e6);
    const series = Array.from({ length: 3_000 }, (_, i) => ({
      labels: { __name__: 'x', i: String(i), job: `j${Math.floor(rand() * 7)}`, dc: `d${i % 3}` },
      timestamps: [T0, T0 + 60_000],
      values: [value(), value()],
    }));
    // a step that never yields and one that always does: chunk boundaries must not change the sums
    const always: Scheduler = { shouldYield: () => true, yield: () => new Promise((ok) => setImmediate(ok)) };
    for (const scheduler of [undefined, always]) {
      const engine = createEngine({
        queryable: memoryQueryable(series),
        ...(scheduler ? { scheduler } : {}),
      });
      for (const op of ['sum', 'avg', 'count', 'group', 'max', 'min', 'stddev', 'stdvar'])
        for (const by of ['by (job)', 'without (i)', 'by (job, dc)', '']) {
          const q = `${op} ${by} (x)`;
          const instant = await engine.instantQuery(q, T0);
          // a range query of two steps folds each step inside its evaluation
          const range = await engine.rangeQuery(q, T0, T0 + 60_000, 60_000);
          if (instant.resultType !== 'vector' || range.resultType !== 'matrix') throw new Error(q);
          const byLabels = (a: { metric: Labels }, b: { metric: Labels }) =>
            JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1;
          const stepOne = range.result.map((r) => ({ metric: r.metric, t: r.ts[0], v: r.vs[0] }));
          expect([...instant.result].sort(byLabels), q).toEqual(stepOne.sort(byLabels));
        }
    }
  });
});
