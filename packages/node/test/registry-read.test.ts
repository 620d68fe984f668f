import type { RegistryMetric } from '@argus/source-prometheus';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registryReader } from '../src/registry-read.js';

/** xorshift32: the same sequence of operations on every run. */
function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** What the registry source reads of a family; a deep copy, since the reader reuses its arrays. */
const shape = (ms: readonly RegistryMetric[]) =>
  structuredClone(
    ms.map((m) => ({
      name: m.name,
      type: m.type,
      values: m.values.map((v) => ({ value: v.value, labels: v.labels, metricName: v.metricName })),
    })),
  );

describe('registryReader', () => {
  it('reads what getMetricsAsJSON reads, through random adds, removes, resets and collects', async () => {
    for (const seed of [1, 7, 42]) {
      const rand = rng(seed);
      const registry = new Registry();
      let round = 0;
      const labelNames = ['route', 'code'];
      const counter = new Counter({ name: 'c_total', help: 'c', labelNames, registers: [registry] });
      const gauge = new Gauge({ name: 'g', help: 'g', labelNames, registers: [registry] });
      // a collect that writes values (and sometimes clears them) as the registry is read
      new Gauge({
        name: 'polled',
        help: 'p',
        labelNames,
        registers: [registry],
        collect() {
          if (round % 5 === 4) this.reset();
          this.set({ route: `/r${round % 3}` }, round);
        },
      });
      new Gauge({
        name: 'async_polled',
        help: 'a',
        registers: [registry],
        async collect() {
          await Promise.resolve();
          this.set(round * 2);
        },
      });
      const histogram = new Histogram({
        name: 'h_seconds',
        help: 'h',
        labelNames,
        buckets: [0.1, 1],
        registers: [registry],
      });
      const summary = new Summary({
        name: 's',
        help: 's',
        labelNames,
        percentiles: [0.5],
        registers: [registry],
      });
      const late = new Gauge({ name: 'late', help: 'l', labelNames, registers: [] });
      const labels = () => ({ route: `/r${rand(20)}`, code: String(200 + rand(3) * 100) });
      const reader = registryReader(registry);
      let fast = 0;
      for (; round < 60; round++) {
        for (let k = rand(30); k > 0; k--) {
          const op = rand(12);
          if (op < 3) counter.inc(labels(), rand(5));
          else if (op < 6) gauge.set(labels(), rand(100) - 50);
          else if (op === 6) gauge.remove(labels());
          else if (op === 7) counter.remove(labels());
          else if (op === 8) histogram.observe(labels(), rand(20) / 10);
          else if (op === 9) summary.observe(labels(), rand(100));
          else if (op === 10) gauge.set(labels(), Number.NaN);
          else if (rand(4) === 0) gauge.reset();
        }
        if (round === 20) registry.registerMetric(late);
        if (round > 20) late.set(labels(), round);
        if (round === 40) registry.removeSingleMetric('c_total');
        // default labels make getMetricsAsJSON copy every value: the reader hands those reads to it
        if (round === 50) registry.setDefaultLabels({ app: 'x', code: 'd' });
        const got = shape(await reader.getMetricsAsJSON());
        const want = shape(await registry.getMetricsAsJSON());
        expect(got, `seed ${seed}, round ${round}`).toEqual(want);
        if (round < 50) fast += got.find((m) => m.name === 'g')!.values.length;
      }
      expect(fast).toBeGreaterThan(100);
    }
  });

  it('does not call getMetricsAsJSON for counters and gauges, and hands back prom-client’s own value objects', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'g', help: 'g', labelNames: ['a'], registers: [registry] });
    for (let i = 0; i < 5; i++) gauge.set({ a: String(i) }, i);
    let calls = 0;
    const watched = Object.create(registry) as Registry;
    watched.getMetricsAsJSON = () => {
      calls++;
      return registry.getMetricsAsJSON();
    };
    const reader = registryReader(watched);
    const first = await reader.getMetricsAsJSON();
    expect(calls).toBe(0);
    const entries = Object.values((gauge as unknown as { hashMap: object }).hashMap);
    expect(first[0]!.values).toHaveLength(5);
    for (const [i, v] of first[0]!.values.entries()) expect(v).toBe(entries[i]);
    gauge.remove({ a: '3' });
    expect((await reader.getMetricsAsJSON())[0]!.values.map((v) => v.labels?.a)).toEqual([
      '0',
      '1',
      '2',
      '4',
    ]);
  });
});
