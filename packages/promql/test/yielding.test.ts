// The engine yields to the event loop between chunks of work (issue 14: no block over 10 ms): one step's
// aggregation over many series, a subquery's inner steps, and the sorts of fetched series and of range results.
// No time is measured: an injected scheduler yields at every checkpoint, and label reads (counted through a
// getter on the label set) show how much work ran between two yields.
import { describe, expect, it } from 'vitest';
import { sortByLabels, sortInSlices } from '../src/engine/sort-in-slices.js';
import { compareLabels } from '../src/engine/values.js';
import { createEngine, type MemorySeries, memoryQueryable, type Scheduler } from '../src/index.js';
import { TimeSlice } from '../src/time-slice.js';
import { everyCheckpoint, longestStretch } from './checkpoints.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** Series whose label `g` counts its reads; `a` differs per series so that sorting never reaches `g`. */
function counted(n: number, points: number): { series: MemorySeries[]; reads: () => number } {
  let reads = 0;
  const series: MemorySeries[] = [];
  for (let i = 0; i < n; i++) {
    const labels: Record<string, string> = { __name__: 'x', a: String(i).padStart(6, '0') };
    Object.defineProperty(labels, 'g', {
      enumerable: true,
      get: () => {
        reads++;
        return `g${i % 7}`;
      },
    });
    const timestamps = Array.from({ length: points }, (_, k) => T0 + k * MIN);
    series.push({ labels, timestamps, values: timestamps.map((_, k) => i + k) });
  }
  return { series, reads: () => reads };
}

describe('the engine yields between chunks of work', () => {
  it('groups the input series of one step’s aggregation in chunks, with yields between them', async () => {
    const { series, reads } = counted(3_000, 1);
    const scheduler = everyCheckpoint(reads);
    const engine = createEngine({ queryable: memoryQueryable(series), scheduler });
    const r = await engine.instantQuery('count by (g) (x)', T0);
    if (r.resultType !== 'vector') throw new Error(`expected a vector, got ${r.resultType}`);
    expect(r.result.reduce((s, x) => s + x.v, 0)).toBe(3_000);
    // grouping reads `g` of each of the 3,000 series (a few times); at most a chunk of them between two yields
    expect(reads()).toBeGreaterThanOrEqual(3_000);
    expect(longestStretch(scheduler.at, reads())).toBeLessThanOrEqual(1_000);
  });

  it('evaluates a subquery’s inner steps with a yield between them', async () => {
    const { series, reads } = counted(5, 120);
    const scheduler = everyCheckpoint(reads);
    const engine = createEngine({ queryable: memoryQueryable(series), scheduler });
    // label_replace reads `g` of every series at every inner step: 60 inner steps × 5 series
    const q = 'count_over_time(label_replace(x, "h", "$1", "g", "(.*)")[60m:1m])';
    const r = await engine.instantQuery(q, T0 + 100 * MIN);
    expect(r.result).toHaveLength(5);
    expect(reads()).toBeGreaterThanOrEqual(300);
    expect(longestStretch(scheduler.at, reads())).toBeLessThanOrEqual(20);
  });

  it('gives the same answers as without yields', async () => {
    const { series } = counted(700, 30);
    const plain = createEngine({ queryable: memoryQueryable(series) });
    const yielding = createEngine({ queryable: memoryQueryable(series), scheduler: everyCheckpoint() });
    for (const q of [
      'sum by (g) (rate(x[5m]))',
      'topk(3, x)',
      'max_over_time(sum by (g) (x)[10m:1m])',
      'x',
    ]) {
      const a = await plain.rangeQuery(q, T0 + 10 * MIN, T0 + 29 * MIN, MIN);
      const b = await yielding.rangeQuery(q, T0 + 10 * MIN, T0 + 29 * MIN, MIN);
      expect(b).toEqual(a);
    }
  });

  it('stops at a checkpoint when the query is aborted', async () => {
    const { series } = counted(3_000, 1);
    const ac = new AbortController();
    const scheduler: Scheduler = {
      shouldYield: () => true,
      async yield() {
        ac.abort();
      },
    };
    const engine = createEngine({ queryable: memoryQueryable(series), scheduler });
    await expect(engine.instantQuery('count by (g) (x)', T0, { signal: ac.signal })).rejects.toMatchObject({
      code: 'ERR_PROMQL_ABORTED',
    });
  });
});

describe('sortInSlices', () => {
  it('sorts as Array.prototype.sort does, stably, with yields between chunks', async () => {
    let state = 7;
    const rand = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const xs = Array.from({ length: 5_000 }, (_, i) => ({ k: Math.floor(rand() * 300), i }));
    const cmp = (a: { k: number }, b: { k: number }) => a.k - b.k;
    const scheduler = everyCheckpoint();
    const sorted = await sortInSlices([...xs], cmp, new TimeSlice(scheduler));
    expect(sorted).toEqual([...xs].sort(cmp));
    // 10 runs of 512 sorted, then 4 merge passes over 5,000 elements in chunks of 512
    expect(scheduler.at.length).toBeGreaterThanOrEqual(10 + 4 * 9);
  });
});

describe('sortByLabels', () => {
  it('orders label sets exactly as compareLabels does, prefixes, control characters and NUL included', async () => {
    let state = 11;
    const rand = (n: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((state / 2_147_483_648) * n);
    };
    const names = ['__name__', 'a', 'a_b', 'ab', 'b', 'job', 'j'];
    const values = ['', 'a', 'a\x00', 'a\x00b', 'a\x01', 'ab', 'b', 'é', '\uffff', 'a b', '10', '9'];
    const sets = Array.from({ length: 3_000 }, () => {
      const l: Record<string, string> = {};
      for (let k = rand(4); k >= 0; k--) l[names[rand(names.length)]!] = values[rand(values.length)]!;
      return l;
    });
    const expected = [...sets].sort(compareLabels);
    const sorted = await sortByLabels([...sets], (l) => l, new TimeSlice(everyCheckpoint()));
    // the same order; equal label sets may be distinct objects, so compare the sequence of contents
    expect(sorted.map((l) => JSON.stringify(Object.entries(l).sort()))).toEqual(
      expected.map((l) => JSON.stringify(Object.entries(l).sort())),
    );
  });
});
