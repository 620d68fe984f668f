// Issue 21, test 2: a replica restarted with its state in Redis resumes its detector baselines. The pipeline
// snapshots detector state into the state store at stop and restores it at start; here the store is a real
// redis-server and the restarted pipeline opens a new connection, as a replacement pod would. A warm restart gives
// the findings of an uninterrupted run on the same data. A cold one (an empty prefix) relearns from its warm-up: the
// load here alternates quiet and busy stretches of 50 samples, the restart falls at the start of a quiet one, so a
// cold detector learns only the quiet noise and flags the next busy stretch — false positives the warm one, which
// learned both, does not raise.

import { createPipeline, type Emit, type Labels, MetricBatchBuilder, type Source } from '@argus/core';
import { robustZDetector } from '@argus/detectors';
import { describeWithBinary, type RunningServer, startRedis } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisStateStore, redisStateStore } from '../src/index.js';

const quiet = { logger: { debug() {}, info() {}, warn() {}, error() {} }, onError: () => {} };
const SERIES: readonly Labels[] = [0, 1, 2].map((i) => ({ __name__: 'latency', instance: `i${i}` }));
const SAMPLES = 800;
const RESTART_AT = 400; // a quiet stretch starts here
const SPIKE_AT = 650;

/** Deterministic noise (mulberry32, sum of three uniforms) around 100, ×10 in busy stretches; one spike at SPIKE_AT. */
function sampleAt(series: number, i: number): number {
  let a = (series * 7919 + i * 104_729 + 1) >>> 0;
  let sum = 0;
  for (let k = 0; k < 3; k++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    sum += ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  const spread = Math.floor(i / 50) % 2 === 0 ? 2 : 20;
  return 100 + (sum - 1.5) * spread + (i === SPIKE_AT && series === 1 ? 250 : 0);
}

type Seen = { readonly who: string; readonly t: number; readonly score: number };

/** Runs one pipeline over samples [from, to) of every series and returns its findings by series labels. */
async function run(state: RedisStateStore | undefined, from: number, to: number) {
  let emit: Emit | undefined;
  const src: Source = {
    kind: 'source',
    name: 'push',
    apiVersion: 1,
    listen(e) {
      emit = e;
    },
  };
  const det = robustZDetector({ warmupSamples: 10, alpha: 0.02 });
  const p = createPipeline({ ...quiet, ...(state ? { state } : {}), sources: [src], detectors: [det] });
  const seen: Seen[] = [];
  p.on('finding', (f) => {
    seen.push({ who: p.series.labels(f.series)['instance']!, t: f.timestamp, score: f.score });
  });
  await p.start();
  for (let i = from; i < to; i++) {
    const b = new MetricBatchBuilder();
    for (const [s, labels] of SERIES.entries()) b.pushLabels(p.series, labels, i * 1000, sampleAt(s, i));
    await emit!(b.build());
  }
  await p.stop();
  return seen;
}

let redis: RunningServer | undefined;
const url = (): string => `redis://127.0.0.1:${redis!.port}`;

describeWithBinary(
  [{ bin: 'redis-server', pkg: 'redis-server' }],
  'a replica restarted over Redis state',
  () => {
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('a warm restart finds what an uninterrupted run finds; a cold one flags more ordinary noise', async () => {
      const uninterrupted = await run(undefined, 0, SAMPLES);

      const before = redisStateStore({ url: url(), keyPrefix: 'argus:0:a:' });
      const first = await run(before, 0, RESTART_AT);
      await before.close();
      const after = redisStateStore({ url: url(), keyPrefix: 'argus:0:a:' }); // a new connection, same prefix
      const warm = [...first, ...(await run(after, RESTART_AT, SAMPLES))];
      await after.close();

      const empty = redisStateStore({ url: url(), keyPrefix: 'argus:0:b:' }); // a replacement that lost its state
      const cold = [...first, ...(await run(empty, RESTART_AT, SAMPLES))];
      await empty.close();

      const key = (s: Seen) => `${s.who}@${s.t}`;
      const byKey = (r: Seen[]) => new Map(r.map((s) => [key(s), s.score]));
      expect(byKey(warm)).toEqual(byKey(uninterrupted));
      expect(warm).toHaveLength(uninterrupted.length);
      // the spike is found by all three
      for (const r of [uninterrupted, warm, cold]) expect(r.map(key)).toContain(`i1@${SPIKE_AT * 1000}`);
      const falsePositives = (r: Seen[]) =>
        r.filter((s) => s.t >= RESTART_AT * 1000 && s.t !== SPIKE_AT * 1000).length;
      expect(falsePositives(cold)).toBeGreaterThan(falsePositives(warm));
    });
  },
);
