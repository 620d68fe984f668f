// `GET /api/series/band`: a configured detector replayed over the stored history gives its expected band at every
// sample (not only where it reported a finding): narrow around a constant series, following a step once its window
// has seen the new level. No finding exists in these tests, so any band comes from the replay.
import { detectorModel } from '@argus/detectors';
import { createStore, type Store } from '@argus/store';
import { afterEach, describe, expect, it } from 'vitest';
import { BandCache, replayBand, type StoredSeries } from '../src/band-replay.js';
import { auth, type TestServer, testServer } from './helpers.js';

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const N = 400;
const flat = { __name__: 'queue_depth', job: 'q' };
const stepped = { __name__: 'latency_ms', job: 'api' };
const STEP_AT = 300;

interface Band {
  labels: Record<string, string>;
  timestamps: number[];
  expected: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}

let s: TestServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await s?.close();
  await store?.close();
  s = store = undefined;
});

/** A store with a constant series at 5 and a series around 10 (±0.1) that steps to 20 at sample 300. */
async function serve(config: unknown): Promise<TestServer> {
  store = createStore();
  for (let i = 0; i < N; i++) {
    store.append(flat, T0 + i * STEP, 5);
    store.append(stepped, T0 + i * STEP, i < STEP_AT ? 10 + 0.1 * Math.sin(i) : 20);
  }
  s = await testServer({ store, config });
  return s;
}

const get = async (srv: TestServer, query: string) => {
  const res = await srv.app.inject({
    method: 'GET',
    url: `/api/series/band?${query}`,
    headers: auth(srv.tokens.viewer),
  });
  return { status: res.statusCode, body: res.json() };
};

const DETECTORS = {
  detectors: [
    { use: 'mad', options: { windowSamples: 32, warmupSamples: 16 } },
    { use: 'ensemble', options: { warmupSamples: 30, calibrationSamples: 10 } },
  ],
};
// the shown range starts after 100 samples: those before it warm the detector up
const FROM = T0 + 100 * STEP;
const TO = T0 + N * STEP;
const range = `from=${FROM}&to=${TO}`;
const sel = (labels: Record<string, string>) => encodeURIComponent(`${labels.__name__}{job="${labels.job}"}`);

describe('GET /api/series/band', () => {
  it('a constant series gets a narrow band around its value at every sample of the range', async () => {
    const srv = await serve(DETECTORS);
    const { status, body } = await get(srv, `match=${sel(flat)}&${range}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: FROM, to: TO, detector: 'mad', clipped: false, truncated: false });
    expect(body.replayed).toBe(N);
    expect(body.series).toHaveLength(1);
    const b = body.series[0] as Band;
    expect(b.labels).toEqual(flat);
    expect(b.timestamps).toHaveLength(N - 100);
    expect(b.timestamps[0]).toBe(FROM);
    for (let i = 0; i < b.timestamps.length; i++) {
      expect(b.expected[i]).toBeCloseTo(5, 6);
      expect(b.lower[i]!).toBeLessThanOrEqual(5);
      expect(b.upper[i]!).toBeGreaterThanOrEqual(5);
      expect(b.upper[i]! - b.lower[i]!).toBeLessThan(0.01);
    }
  });

  it('a step leaves the band behind at first, then the band catches up with the new level', async () => {
    const srv = await serve(DETECTORS);
    const { body } = await get(srv, `match=${sel(stepped)}&${range}`);
    const b = body.series[0] as Band;
    const at = (sample: number) => b.timestamps.indexOf(T0 + sample * STEP);
    const inside = (i: number, v: number) => b.lower[i]! <= v && v <= b.upper[i]!;
    // before the step: around 10, holding the values
    for (let k = 100; k < STEP_AT; k++) {
      const i = at(k);
      expect(b.expected[i]!).toBeGreaterThan(9.8);
      expect(b.expected[i]!).toBeLessThan(10.2);
      expect(inside(i, 10 + 0.1 * Math.sin(k))).toBe(true);
    }
    // the first sample at 20 is far outside what the detector expected
    const first = at(STEP_AT);
    expect(b.expected[first]!).toBeLessThan(10.5);
    expect(inside(first, 20)).toBe(false);
    // once most of its window holds the new level, the band is around 20
    for (let k = STEP_AT + 32; k < N; k++) {
      const i = at(k);
      expect(b.expected[i]!).toBeCloseTo(20, 6);
      expect(inside(i, 20)).toBe(true);
    }
  });

  it('replays the configured detector named by `detector`: the ensemble has a band at every sample, holding the normal stretch', async () => {
    const srv = await serve(DETECTORS);
    const { status, body } = await get(srv, `match=${sel(stepped)}&${range}&detector=ensemble`);
    expect(status).toBe(200);
    expect(body.detector).toBe('ensemble');
    const b = body.series[0] as Band;
    expect(b.timestamps).toHaveLength(N - 100);
    for (let i = 0; i < b.timestamps.length; i++) {
      expect(b.lower[i]).not.toBeNull();
      expect(b.upper[i]!).toBeGreaterThanOrEqual(b.lower[i]!);
    }
    // the ensemble's band is its most surprised member's: on the normal stretch it holds the values
    for (let i = 0; b.timestamps[i]! < T0 + STEP_AT * STEP; i++) {
      const v = 10 + 0.1 * Math.sin((b.timestamps[i]! - T0) / STEP);
      expect(b.lower[i]!).toBeLessThanOrEqual(v);
      expect(b.upper[i]!).toBeGreaterThanOrEqual(v);
    }
  });

  it('caps the replay at maxSamples, cutting the warm-up first', async () => {
    const srv = await serve(DETECTORS);
    const { body } = await get(srv, `match=${encodeURIComponent('{job=~"q|api"}')}&${range}&maxSamples=600`);
    expect(body.series).toHaveLength(2);
    expect(body.clipped).toBe(true);
    expect(body.replayed).toBe(600);
    // each series keeps its latest 300 samples: the last 300 of the range, no warm-up
    for (const b of body.series as Band[]) {
      expect(b.timestamps).toHaveLength(300);
      expect(b.timestamps[0]).toBe(T0 + 100 * STEP);
    }
  });

  it('says what is missing: no configured detector, an unknown one, a bad range', async () => {
    let srv = await serve({ intervalMs: 15_000 });
    let res = await get(srv, `match=${sel(flat)}&${range}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('no_detectors');
    await s?.close();
    await store?.close();
    srv = await serve(DETECTORS);
    res = await get(srv, `match=${sel(flat)}&${range}&detector=trend`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/configured: mad, ensemble/);
    res = await get(srv, `match=${sel(flat)}&from=${TO}&to=${FROM}`);
    expect(res.status).toBe(400);
  });
});

describe('replayBand', () => {
  const series = [
    {
      labels: flat,
      timestamps: Float64Array.from({ length: 100 }, (_, i) => T0 + i * STEP),
      values: new Float64Array(100).fill(5),
      stale: new Uint8Array(100),
    },
  ];

  it('stops at the next chunk once its signal aborts, with the signal’s reason', async () => {
    const stop = new AbortController();
    const run = replayBand(series, detectorModel('mad')!, {
      from: T0,
      maxSamples: 1000,
      chunk: 10,
      signal: stop.signal,
    });
    stop.abort(new Error('client closed the request'));
    await expect(run).rejects.toThrow('client closed the request');
  });

  it('skips stale samples and reports null where the model has no band yet', async () => {
    const stale = new Uint8Array(100);
    stale[50] = 1;
    const r = await replayBand([{ ...series[0]!, stale }], detectorModel('mad', { warmupSamples: 10 })!, {
      from: T0,
      maxSamples: 1000,
      signal: new AbortController().signal,
    });
    const b = r.series[0]!;
    expect(b.timestamps).toHaveLength(99);
    expect(b.timestamps).not.toContain(T0 + 50 * STEP);
    expect(b.expected[0]).toBeNull();
    expect(b.expected[98]).toBeCloseTo(5, 6);
  });
});

describe('replayBand with a cache: a refresh replays only the new samples', () => {
  /** Samples i0..i1-1 of two series (a noisy level that steps at 300, a sine), as the store reads a range. */
  const read = (i0: number, i1: number): StoredSeries[] =>
    [stepped, flat].map((labels, k) => {
      const n = i1 - i0;
      const timestamps = Float64Array.from({ length: n }, (_, j) => T0 + (i0 + j) * STEP);
      const values = Float64Array.from({ length: n }, (_, j) => {
        const i = i0 + j;
        return k === 0 ? (i < STEP_AT ? 10 + 0.1 * Math.sin(i) : 20) : 5 + Math.sin(i / 9);
      });
      return { labels, timestamps, values, stale: new Uint8Array(n) };
    });
  const opts = (from: number, extra: Partial<Parameters<typeof replayBand>[2]> = {}) => ({
    from,
    maxSamples: 100_000,
    signal: new AbortController().signal,
    ...extra,
  });
  const fresh = (use: string) => detectorModel(use, use === 'mad' ? { windowSamples: 32 } : {})!;

  for (const use of ['mad', 'ensemble']) {
    it(`${use}: equals a fresh replay from the cached replay's start, feeding only the samples newer than it`, async () => {
      const cache = new BandCache();
      const c = { cache, cacheKey: use };
      const first = await replayBand(read(0, 300), fresh(use), opts(T0 + 100 * STEP, c));
      expect(first.replayed).toBe(600);
      expect(cache.size).toBe(2);
      // the next poll: the range moved on by 50 samples, its warm-up too (it now starts at sample 50)
      const from = T0 + 150 * STEP;
      const resumed = await replayBand(read(50, 350), fresh(use), opts(from, c));
      expect(resumed.replayed).toBe(100);
      // the band is the one a replay from the cached state's start (sample 0) gives
      const whole = await replayBand(read(0, 350), fresh(use), opts(from));
      expect(resumed.series).toEqual(whole.series);
      expect(resumed.series[0]!.timestamps).toHaveLength(200);
      // nothing new: nothing replayed, the same band
      const again = await replayBand(read(50, 350), fresh(use), opts(from, c));
      expect(again.replayed).toBe(0);
      expect(again.series).toEqual(whole.series);
    });
  }

  it('replays from scratch a range starting before the cache, a changed configuration, or a far later warm-up', async () => {
    const cache = new BandCache();
    await replayBand(read(50, 300), fresh('mad'), opts(T0 + 150 * STEP, { cache, cacheKey: 'a' }));
    // starts earlier than the cached state began
    let r = await replayBand(read(0, 310), fresh('mad'), opts(T0 + 150 * STEP, { cache, cacheKey: 'a' }));
    expect(r.replayed).toBe(620);
    // a range starting before the cached columns do
    r = await replayBand(read(0, 320), fresh('mad'), opts(T0 + 100 * STEP, { cache, cacheKey: 'a' }));
    expect(r.replayed).toBe(640);
    // another detector configuration
    r = await replayBand(read(0, 330), fresh('mad'), opts(T0 + 100 * STEP, { cache, cacheKey: 'b' }));
    expect(r.replayed).toBe(660);
    // the cached replay began more than maxExtraWarmupMs before this one would
    r = await replayBand(
      read(20, 340),
      fresh('mad'),
      opts(T0 + 120 * STEP, { cache, cacheKey: 'b', maxExtraWarmupMs: 10 * STEP }),
    );
    expect(r.replayed).toBe(640);
    const whole = await replayBand(read(20, 340), fresh('mad'), opts(T0 + 120 * STEP));
    expect(r.series).toEqual(whole.series);
  });

  it('keeps at most maxEntries series and maxSamples band samples, least recently used out first', async () => {
    const cache = new BandCache(1);
    const [a, b] = read(0, 200);
    const one = (x: StoredSeries) => replayBand([x], fresh('mad'), opts(T0 + 100 * STEP, { cache }));
    expect((await one(a!)).replayed).toBe(200);
    expect((await one(b!)).replayed).toBe(200);
    expect(cache.size).toBe(1);
    // b, put last, is kept and resumed; a was put out and is replayed afresh
    expect((await one(b!)).replayed).toBe(0);
    expect((await one(a!)).replayed).toBe(200);
    // 100 band samples per series (from sample 100 on): 150 hold one of them
    const small = new BandCache(10, 150);
    await replayBand(read(0, 200), fresh('mad'), opts(T0 + 100 * STEP, { cache: small }));
    expect(small.size).toBe(1);
  });
});

describe('GET /api/series/band with its cache', () => {
  it('answers a refresh as a fresh server does, replaying only the samples stored since', async () => {
    const srv = await serve(DETECTORS);
    const both = encodeURIComponent('{job=~"q|api"}');
    const q = (from: number, to: number) => `match=${both}&from=${from}&to=${to}&detector=ensemble`;
    const first = await get(srv, q(FROM, TO));
    expect(first.body.replayed).toBe(2 * N);
    const same = await get(srv, q(FROM, TO));
    expect(same.body.replayed).toBe(0);
    expect(same.body.series).toEqual(first.body.series);
    // 20 new samples each, the range moved on by 20
    for (let i = N; i < N + 20; i++) {
      store!.append(flat, T0 + i * STEP, 5);
      store!.append(stepped, T0 + i * STEP, 20);
    }
    const later = await get(srv, q(FROM + 20 * STEP, TO + 20 * STEP));
    expect(later.body.replayed).toBe(40);
    // a server with no cache yet, asked with the cached replay's warm-up (from the first sample)
    const other = await testServer({ store: store!, config: DETECTORS });
    try {
      const res = await other.app.inject({
        method: 'GET',
        url: `/api/series/band?${q(FROM + 20 * STEP, TO + 20 * STEP)}&lookbackMs=${120 * STEP}`,
        headers: auth(other.tokens.viewer),
      });
      expect(res.json().replayed).toBe(2 * (N + 20));
      expect(later.body.series).toEqual(res.json().series);
    } finally {
      await other.close();
    }
  });
});
