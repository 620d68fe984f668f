// samples() finds a series by the label object series() handed out without rebuilding its key; that shortcut
// must never return a series that retention dropped in the meantime.
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

describe('samples by the label object of series()', () => {
  it('gives the same as an equal label set, and follows a series dropped and created again', async () => {
    const store = createStore({ retentionMs: HOUR, rollups: [], chunkSamples: 4 });
    for (let k = 0; k < 8; k++) store.append({ __name__: 'a', i: '1' }, T0 + k * 60_000, k);
    const [own] = await store.series('{__name__="a"}');
    const all = [0, Number.MAX_SAFE_INTEGER] as const;
    expect(Array.from(store.samples(own!, ...all).values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(store.samples({ i: '1', __name__: 'a' }, ...all)).toEqual(store.samples(own!, ...all));
    // newer data elsewhere pushes series a out of retention: it is dropped
    for (let k = 0; k < 8; k++) store.append({ __name__: 'b' }, T0 + 3 * HOUR + k * 60_000, k);
    store.compact();
    expect(await store.series('{__name__="a"}')).toEqual([]);
    expect(store.samples(own!, ...all).values).toHaveLength(0);
    store.append({ __name__: 'a', i: '1' }, T0 + 4 * HOUR, 42);
    expect(Array.from(store.samples(own!, ...all).values)).toEqual([42]);
  });
});
