// A range query over many stored series lets the host's other work run while it reads the series and while it
// evaluates them (rate()'s windows over all steps, the step loop), not only between queries (issue 14: no block
// over 10 ms). Counted, not timed: the scheduler yields at every checkpoint, and a setImmediate callback that
// re-arms itself counts the turns the event loop got before and after the last series was read.
import { createStore } from '@argus/store';
import { describe, expect, it } from 'vitest';
import { createEngine, type Scheduler, storeQueryable } from '../src/index.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const SERIES = 300;
const POINTS = 60;

function counters() {
  const store = createStore({ retentionMs: 365 * 86_400_000 });
  for (let i = 0; i < SERIES; i++)
    for (let k = 0; k < POINTS; k++)
      store.append({ __name__: 'c_total', i: String(i), job: `j${i % 3}` }, T0 + k * MIN, k * (i + 1));
  return store;
}

const always: Scheduler = {
  shouldYield: () => true,
  yield: () => new Promise((resolve) => setImmediate(resolve)),
};
const never: Scheduler = { shouldYield: () => false, yield: async () => {} };

/** Runs the range query and counts the event loop's turns while the store reads and after its last read. */
async function turnsDuring(scheduler: Scheduler) {
  const store = counters();
  let reads = 0;
  const reader = {
    ...store,
    readInto: (...a: Parameters<typeof store.readInto>) => {
      reads++;
      return store.readInto(...a);
    },
  };
  let whileReading = 0;
  let afterReads = 0;
  let done = false;
  const other = () => {
    if (reads > 0 && reads < SERIES) whileReading++;
    else if (reads === SERIES) afterReads++;
    if (!done) setImmediate(other);
  };
  setImmediate(other);
  const engine = createEngine({ queryable: storeQueryable(reader, { scheduler }), scheduler });
  const r = await engine.rangeQuery('sum by (job) (rate(c_total[5m]))', T0 + 10 * MIN, T0 + 59 * MIN, MIN);
  done = true;
  return { r, reads, whileReading, afterReads };
}

describe('a range query over many stored series', () => {
  it('gives the event loop turns while reading and while evaluating the series', async () => {
    const { r, reads, whileReading, afterReads } = await turnsDuring(always);
    expect(reads).toBe(SERIES);
    expect(r.result).toHaveLength(3);
    // a checkpoint per series read, and after the reads one per series' windows and one per step (50 steps)
    expect(whileReading).toBeGreaterThanOrEqual(SERIES - 1);
    expect(afterReads).toBeGreaterThanOrEqual(SERIES);
  });

  it('gives none of those turns when the scheduler never yields (what the counts above rest on)', async () => {
    const { r, whileReading, afterReads } = await turnsDuring(never);
    expect(r.result).toHaveLength(3);
    expect(whileReading + afterReads).toBeLessThan(5);
  });
});
