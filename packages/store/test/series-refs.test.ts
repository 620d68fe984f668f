// readInto writes what samples() returns for the same series and range, into the caller's columns at any index:
// over sealed chunks, the encoded and raw head, out-of-order samples pending, and staleness markers.
import { describe, expect, it } from 'vitest';
import { createStore, type SampleColumns, type Store } from '../src/index.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

function columns(n: number, junk: number): SampleColumns {
  // junk everywhere, stale flags included: readInto must not leave any of it in what it reports
  return {
    t: new Float64Array(n).fill(junk),
    v: new Float64Array(n).fill(junk),
    s: new Uint8Array(n).fill(1),
  };
}

async function compare(store: Store, selector: string, from: number, to: number): Promise<number> {
  const refs = await store.selectRefs(selector);
  const out = columns(4096, -7);
  let at = 3;
  let total = 0;
  for (const ref of refs) {
    const bound = store.sampleBound(ref, from, to);
    const n = store.readInto(ref, from, to, out, at);
    const want = store.samples(ref.labels, from, to);
    expect(n).toBeLessThanOrEqual(bound);
    expect(Array.from(out.t.subarray(at, at + n))).toEqual(Array.from(want.timestamps));
    expect(Array.from(out.v.subarray(at, at + n))).toEqual(Array.from(want.values));
    expect(Array.from(out.s.subarray(at, at + n))).toEqual(Array.from(want.stale));
    at += n;
    total += n;
  }
  return total;
}

describe('selectRefs and readInto', () => {
  const store = createStore({
    retentionMs: 365 * 86_400_000,
    rollups: [],
    chunkSamples: 8,
    outOfOrderWindowMs: 3_600_000,
  });
  // a: 50 samples in sealed chunks and a head; b: a head of 3; c: a staleness marker mid-way; d: out of order
  for (let k = 0; k < 50; k++) store.append({ __name__: 'm', s: 'a' }, T0 + k * MIN, k * 1.5);
  for (let k = 0; k < 3; k++) store.append({ __name__: 'm', s: 'b' }, T0 + k * MIN, 100 + k);
  for (let k = 0; k < 20; k++) store.append({ __name__: 'm', s: 'c' }, T0 + k * MIN, k, k === 9);
  for (let k = 0; k < 20; k += 2) store.append({ __name__: 'm', s: 'd' }, T0 + k * MIN, k);
  store.append({ __name__: 'm', s: 'd' }, T0 + 7 * MIN, 7);
  store.append({ __name__: 'other' }, T0, 1);

  it('selects the matching series in creation order', async () => {
    const refs = await store.selectRefs('{__name__="m"}');
    expect(refs.map((r) => r.labels.s)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reads everything, and ranges that start and end inside chunks', async () => {
    expect(await compare(store, '{__name__="m"}', 0, Number.MAX_SAFE_INTEGER)).toBe(50 + 3 + 20 + 11);
    expect(await compare(store, '{__name__="m"}', T0 + 5 * MIN, T0 + 13 * MIN)).toBe(8 + 0 + 8 + 5);
    expect(await compare(store, '{__name__="m"}', T0 + 2 * MIN, T0 + 2 * MIN + 1)).toBe(4);
    expect(await compare(store, '{__name__="m"}', T0 + 60 * MIN, T0 + 70 * MIN)).toBe(0);
  });

  it('reports the staleness marker', async () => {
    const [c] = await store.selectRefs('{s="c"}');
    const out = columns(64, 0);
    const n = store.readInto(c!, 0, Number.MAX_SAFE_INTEGER, out, 0);
    expect(n).toBe(20);
    expect(Array.from(out.s.subarray(0, n)).indexOf(1)).toBe(9);
  });
});
