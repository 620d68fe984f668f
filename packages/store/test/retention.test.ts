import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, type RangeAgg, type Store } from '../src/index.js';
import { rng } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Sample {
  t: number;
  v: number;
  host: string;
}

/** Naive reference: every sample kept, aggregated per step the way the store documents it. */
function naive(
  samples: readonly Sample[],
  from: number,
  to: number,
  step: number,
  agg: RangeAgg,
): Map<number, number> {
  const buckets = new Map<number, Sample[]>();
  for (const s of samples) {
    if (s.t < from || s.t >= to) continue;
    const k = from + Math.floor((s.t - from) / step) * step;
    if (!buckets.has(k)) buckets.set(k, []);
    buckets.get(k)!.push(s);
  }
  const out = new Map<number, number>();
  for (const [k, list] of buckets) {
    const vs = list.map((s) => s.v);
    const last = list.reduce((a, b) => (b.t >= a.t ? b : a));
    out.set(
      k,
      agg === 'avg'
        ? vs.reduce((a, b) => a + b, 0) / vs.length
        : agg === 'min'
          ? Math.min(...vs)
          : agg === 'max'
            ? Math.max(...vs)
            : last.v,
    );
  }
  return out;
}

function generate(days: number, hosts: string[], seed: number): Sample[] {
  const r = rng(seed);
  const out: Sample[] = [];
  for (let t = 0; t < days * DAY; t += 15_000) {
    for (const host of hosts) {
      if (r() < 0.05) continue; // gaps
      out.push({ t: t + Math.floor(r() * 3000), v: Math.round(r() * 10_000) / 100, host });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

describe('retention and rollups', () => {
  it('weeks of data: raw evicted by age into 5 m / 1 h rollups; queries match a naive reference', async () => {
    const samples = generate(10, ['a', 'b'], 11);
    const store = createStore({
      retentionMs: 6 * HOUR,
      rollups: [
        { stepMs: 300_000, retentionMs: 3 * DAY },
        { stepMs: HOUR, retentionMs: 30 * DAY },
      ],
    });
    for (const s of samples) store.append({ __name__: 'g', host: s.host }, s.t, s.v);
    store.compact();
    const st = store.stats();
    expect(st.evictedChunks).toBeGreaterThan(0);
    expect(st.chunkSamples).toBeLessThan(samples.length / 10);
    // hourly steps span every tier: 1 h rollups, 5 m rollups and raw
    await expectHourlyAsNaive(store, samples, 'a');
  });

  it('a data directory reopened with a shorter retention: evicted and rolled up while it opens, as the reference', async () => {
    const samples = generate(10, ['a', 'b'], 13);
    const dir = mkdtempSync(join(tmpdir(), 'argus-store-age-'));
    try {
      const rollups = [
        { stepMs: 300_000, retentionMs: 3 * DAY },
        { stepMs: HOUR, retentionMs: 30 * DAY },
      ];
      const kept = createStore({ dataDir: dir, retentionMs: 100 * DAY, rollups });
      await kept.open();
      for (const s of samples) kept.append({ __name__: 'g', host: s.host }, s.t, s.v);
      await kept.close();
      // opening applies the shorter retention to everything loaded (enforceAgeInSlices)
      const store = createStore({ dataDir: dir, retentionMs: 6 * HOUR, rollups });
      await store.open();
      expect(store.stats().evictedChunks).toBeGreaterThan(0);
      await expectHourlyAsNaive(store, samples, 'b');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a by-grouped query over two series equals the naive aggregate of both', async () => {
    const samples = generate(1, ['a', 'b'], 5);
    const store = createStore({ retentionMs: 4 * HOUR });
    for (const s of samples) store.append({ __name__: 'g', host: s.host, dc: 'x' }, s.t, s.v);
    const res = await store.range({
      matchers: 'g',
      from: 0,
      to: DAY,
      stepMs: 1_800_000,
      agg: 'max',
      by: ['dc'],
    });
    expect(res).toHaveLength(1);
    expect(res[0]!.labels).toEqual({ dc: 'x' });
    const want = naive(samples, 0, DAY, 1_800_000, 'max');
    expect(Array.from(res[0]!.values)).toEqual(Array.from(res[0]!.timestamps, (t) => want.get(t)));
    const perSeries = await store.range({ matchers: 'g', from: 0, to: DAY, stepMs: 1_800_000, agg: 'max' });
    expect(perSeries).toHaveLength(2);
  });

  it('stays under maxBytes by evicting the oldest chunks into rollups', async () => {
    const store = createStore({ maxBytes: 400_000, retentionMs: 365 * DAY, chunkSamples: 120 });
    const samples = generate(20, ['a', 'b', 'c'], 3);
    for (const s of samples) store.append({ host: s.host }, s.t, s.v);
    store.compact();
    const st = store.stats();
    expect(st.bytes).toBeLessThanOrEqual(400_000);
    expect(st.evictedChunks).toBeGreaterThan(0);
    // the first day is still answerable, from rollups
    const [res] = await store.range({ matchers: '{host="a"}', from: 0, to: DAY, stepMs: HOUR, agg: 'max' });
    const want = naive(
      samples.filter((s) => s.host === 'a'),
      0,
      DAY,
      HOUR,
      'max',
    );
    expect(Array.from(res!.values)).toEqual(Array.from(res!.timestamps, (t) => want.get(t)));
  });

  it('series churn: ended series are dropped once retention passes them', () => {
    const store = createStore({ retentionMs: HOUR, rollups: [] });
    for (let i = 0; i < 500; i++) {
      const labels = { pod: `p${i}` };
      const t0 = i * 60_000;
      for (let k = 0; k < 4; k++) store.append(labels, t0 + k * 15_000, k);
      store.append(labels, t0 + 60_000, Number.NaN, true);
    }
    store.compact();
    const st = store.stats();
    expect(st.series).toBeLessThanOrEqual(62);
    expect(st.series).toBeGreaterThan(50);
  });

  it('out-of-order samples far in the past are folded into sealed chunks', () => {
    const store = createStore({ outOfOrderWindowMs: DAY, chunkSamples: 10 });
    const L = { x: '1' };
    for (let i = 0; i < 100; i++) store.append(L, i * 1000 + 500, i);
    for (let i = 0; i < 100; i++) store.append(L, i * 1000, -i);
    const got = store.samples(L, 0, 1e9);
    expect(got.timestamps.length).toBe(200);
    expect(Array.from(got.timestamps)).toEqual([...got.timestamps].sort((a, b) => a - b));
    expect(store.stats()).toMatchObject({ outOfOrderAccepted: 100, samples: 200 });
  });
});

/** Every aggregation of `host`'s series at hourly steps over 10 days equals the naive reference's. */
async function expectHourlyAsNaive(store: Store, samples: Sample[], host: string): Promise<void> {
  for (const agg of ['avg', 'min', 'max', 'last'] as const) {
    const [res] = await store.range({
      matchers: `{host="${host}"}`,
      from: 0,
      to: 10 * DAY,
      stepMs: HOUR,
      agg,
    });
    const want = naive(
      samples.filter((s) => s.host === host),
      0,
      10 * DAY,
      HOUR,
      agg,
    );
    expect(res!.timestamps.length).toBe(want.size);
    for (let i = 0; i < res!.timestamps.length; i++) {
      const t = res!.timestamps[i]!;
      if (agg === 'avg') expect(res!.values[i]).toBeCloseTo(want.get(t)!, 9);
      else expect(res!.values[i]).toBe(want.get(t));
    }
  }
}
