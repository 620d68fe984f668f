import { createSeriesRegistry, type Labels, type MetricBatch, type SeriesRegistry } from '@argus/core';
import { testContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { type RegistryMetric, registrySource } from '../src/index.js';
import { rng } from './helpers.js';

// The registry source remembers which series sat at each position of the last read and only checks the labels
// there. Reference: what it did before, a label set built and interned for every series on every read, and a set
// of the ids seen for stale markers. Both run on the same random sequence of reads.

type Values = { value: number; labels?: Record<string, string | number | undefined>; metricName?: string }[];

/** A registry's reads: families and label sets appear, vanish, change order and change label values. */
function randomReads(seed: number, reads: number): RegistryMetric[][] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const families = ['a', 'b', 'c_seconds', 'd'];
  const series = new Map<string, Values>();
  for (const f of families) series.set(f, []);
  const labelSet = (): Values[number]['labels'] => {
    const l: Values[number]['labels'] = {};
    if (r() < 0.8) l.route = pick(['/x', '/y', '/z']);
    if (r() < 0.5) l.code = pick([200, 500, '404']);
    if (r() < 0.2) l.le = pick([0.1, 1, '+Inf']);
    if (r() < 0.1) l.opt = undefined;
    if (r() < 0.05) l.job = 'overridden';
    return l;
  };
  const out: RegistryMetric[][] = [];
  for (let k = 0; k < reads; k++) {
    for (const f of families) {
      const vs = series.get(f)!;
      const roll = r();
      if (roll < 0.3 || vs.length === 0) {
        const at = Math.floor(r() * (vs.length + 1));
        vs.splice(at, 0, { value: 0, ...(r() < 0.9 ? { labels: labelSet() } : {}) });
      } else if (roll < 0.4) vs.splice(Math.floor(r() * vs.length), 1);
      else if (roll < 0.5) {
        // labels replaced in place (a new object), or the same object mutated
        const v = vs[Math.floor(r() * vs.length)]!;
        if (r() < 0.5) v.labels = labelSet();
        else if (v.labels) v.labels.route = pick(['/x', '/y', '/w']);
      } else if (roll < 0.55) vs.reverse();
      if (f === 'c_seconds' && vs[0]) vs[0].metricName = r() < 0.5 ? 'c_seconds_sum' : 'c_seconds_count';
    }
    const read = families
      .filter(() => r() < 0.95)
      .map((name) => ({
        name,
        // fresh objects per read (as prom-client's histograms and default labels do) or the same ones
        values: series
          .get(name)!
          .map((v) =>
            r() < 0.5 ? v : { ...v, value: r(), ...(v.labels ? { labels: { ...v.labels } } : {}) },
          ),
      }));
    out.push(read);
  }
  return out;
}

/** The source before the positional cache, as a function of one read. */
function referenceRead(
  metrics: readonly RegistryMetric[],
  extra: Record<string, string>,
  live: Set<number>,
  series: SeriesRegistry,
): { rows: string[]; seen: Set<number> } {
  const rows: string[] = [];
  const seen = new Set<number>();
  for (const m of metrics) {
    for (const v of m.values) {
      const labels: Record<string, string> = { __name__: v.metricName ?? m.name };
      for (const [k, val] of Object.entries(v.labels ?? {})) if (val !== undefined) labels[k] = String(val);
      Object.assign(labels, extra);
      const id = series.intern(labels as Labels);
      if (id < 0 || seen.has(id)) continue;
      seen.add(id);
      rows.push(`${series.fingerprint(id)} ${v.value}`);
    }
  }
  for (const id of live) if (!seen.has(id)) rows.push(`${series.fingerprint(id)} stale`);
  return { rows, seen };
}

function rowsOf(batch: MetricBatch, series: SeriesRegistry): string[] {
  const rows: string[] = [];
  for (let i = 0; i < batch.length; i++) {
    const id = batch.series[i]!;
    rows.push(`${series.fingerprint(id)} ${batch.stale?.[i] === 1 ? 'stale' : batch.values[i]}`);
  }
  return rows;
}

describe('registrySource reads', () => {
  for (const extra of [{}, { job: 'api' }] as Record<string, string>[]) {
    it(`give the same samples and stale markers as interning every series (extra labels ${JSON.stringify(extra)})`, async () => {
      for (const seed of [3, 17, 29, 101]) {
        const reads = randomReads(seed, 60);
        let k = 0;
        const source = registrySource({ registry: { getMetricsAsJSON: () => reads[k]! }, labels: extra });
        const ctx = testContext({ series: createSeriesRegistry() });
        const refSeries = createSeriesRegistry();
        let live = new Set<number>();
        for (; k < reads.length; k++) {
          const batch = (await source.poll!(ctx)) as MetricBatch;
          const ref = referenceRead(reads[k]!, extra, live, refSeries);
          live = ref.seen;
          expect(rowsOf(batch, ctx.series), `seed ${seed} read ${k}`).toEqual(ref.rows);
        }
      }
    });
  }

  it('starts over when the same source is polled with another series registry', async () => {
    const read: RegistryMetric[] = [{ name: 'm', values: [{ value: 1, labels: { a: 'x' } }] }];
    const source = registrySource({ registry: { getMetricsAsJSON: () => read } });
    const first = createSeriesRegistry();
    first.intern({ __name__: 'other' });
    await source.poll!(testContext({ series: first }));
    const second = createSeriesRegistry();
    const batch = (await source.poll!(testContext({ series: second }))) as MetricBatch;
    expect(batch.length).toBe(1);
    expect(second.labels(batch.series[0]!)).toEqual({ __name__: 'm', a: 'x' });
  });
});
