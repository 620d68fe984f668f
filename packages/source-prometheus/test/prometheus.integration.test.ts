import type { MetricBatch } from '@argus/core';
import type { HistoryQuery } from '@argus/store';
import { describeWithBinary, type RunningServer, startPrometheus, testContext } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createPrometheusClient,
  PrometheusApiError,
  prometheusEvaluator,
  prometheusHistory,
  prometheusSource,
} from '../src/index.js';
import { pollOnce, rows } from './helpers.js';

const config = ({ port }: { port: number }) => `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:${port}']
`;

describeWithBinary(
  [{ bin: 'prometheus', pkg: 'prometheus' }],
  'prometheusSource against a real Prometheus',
  () => {
    let prom: RunningServer;
    let firstScrapeMs = 0;
    beforeAll(async () => {
      prom = await startPrometheus({ config });
      // Prometheus scrapes for the first time about 5 s after start: poll for it
      const client = createPrometheusClient({ endpoint: prom.url });
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const { series } = await client.query('up{job="self"}', Date.now());
        if (series.length > 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      firstScrapeMs = Date.now();
      // a few more scrapes so a range has several points
      await new Promise((r) => setTimeout(r, 3_500));
    }, 45_000);
    afterAll(() => prom?.stop());

    it('polls instant queries, with NaN and +Inf coming through as numbers', async () => {
      const source = prometheusSource({
        endpoint: prom.url,
        queries: ['up', { expr: 'vector(+Inf)', metric: 'inf' }, { expr: 'vector(NaN)', metric: 'nan' }],
      });
      const { rows: got, warnings } = await pollOnce(source, testContext());
      expect(warnings).toEqual([]);
      const up = got.find((r) => r.labels['__name__'] === 'up');
      expect(up).toMatchObject({ value: 1, labels: { job: 'self', instance: new URL(prom.url).host } });
      expect(got.find((r) => r.labels['__name__'] === 'inf')!.value).toBe(Infinity);
      expect(got.find((r) => r.labels['__name__'] === 'nan')!.value).toBeNaN();
    });

    it('reads a range in small chunks and gets exactly what one big range query returns', async () => {
      const client = createPrometheusClient({ endpoint: prom.url });
      const from = Math.floor((firstScrapeMs - 2_000) / 1000) * 1000;
      const to = from + 6_000;
      const whole = await client.queryRange('up{job="self"}', from, to - 500, 500);
      const source = prometheusSource({
        endpoint: prom.url,
        queries: ['up{job="self"}'],
        maxPointsPerRequest: 3,
      });
      const ctx = testContext();
      const batches: MetricBatch[] = [];
      for await (const b of source.readRange!({ from, to, stepMs: 500 }, ctx)) batches.push(b as MetricBatch);
      expect(batches.length).toBe(4);
      const got = batches.flatMap((b) => rows(ctx.series, b)).map((r) => [r.timestamp, r.value]);
      const want = whole.series[0]!.timestamps.map((t, k) => [t, whole.series[0]!.values[k]]);
      expect(want.length).toBeGreaterThan(4);
      expect(got).toEqual(want);
    });

    it('reports a bad query with its text and bad_data, and the 11,000-point limit is never hit', async () => {
      const client = createPrometheusClient({ endpoint: prom.url, retries: 0 });
      const err = await client.query('sum(up', Date.now()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrometheusApiError);
      expect((err as PrometheusApiError).message).toMatch(
        /^query "sum\(up" failed: bad_data: .*parse error.* \(HTTP 400\)$/,
      );
      const tooMany = await client.queryRange('up', 0, 12_000_000, 1000).catch((e: unknown) => e);
      expect((tooMany as PrometheusApiError).message).toMatch(/exceeded maximum resolution of 11,000 points/);
      // the source splits the same day-long, 1 s step range instead of asking for 86,400 points at once
      const source = prometheusSource({ endpoint: prom.url, queries: ['up{job="self"}'] });
      const end = Date.now();
      let n = 0;
      let chunks = 0;
      for await (const b of source.readRange!(
        { from: end - 86_400_000, to: end, stepMs: 1000 },
        testContext(),
      )) {
        chunks++;
        n += b.kind === 'metrics' ? b.length : 0;
      }
      expect([chunks, n > 0]).toEqual([Math.ceil(86_400 / 11_000), true]);
    });

    it('evaluates an expression at a time, for the alerting package', async () => {
      const samples = await prometheusEvaluator({ endpoint: prom.url }).instant('up == 1', Date.now());
      expect(samples).toEqual([
        expect.objectContaining({ value: 1, labels: expect.objectContaining({ job: 'self' }) }),
      ]);
    });

    it("answers the store's HistoryQuery: range steps match the raw samples aggregated by hand", async () => {
      const history: HistoryQuery = prometheusHistory({ endpoint: prom.url });
      const selector = 'scrape_duration_seconds{job="self"}';
      const stepMs = 2_000;
      // steps around the first scrape (steps without samples are left out, as the store does), all in the past
      const from = Math.floor(firstScrapeMs / stepMs) * stepMs - stepMs;
      const to = from + 4 * stepMs;
      while (Date.now() < to + 1_500) await new Promise((r) => setTimeout(r, 100));
      const raw = (await createPrometheusClient({ endpoint: prom.url }).query(`${selector}[30s]`, to))
        .series[0]!;
      for (const agg of ['avg', 'min', 'max', 'last'] as const) {
        const [got] = await history.range({ matchers: selector, from, to, stepMs, agg });
        const want: [number, number][] = [];
        for (let t = from; t < to; t += stepMs) {
          const vs = raw.values.filter((_, k) => raw.timestamps[k]! >= t && raw.timestamps[k]! < t + stepMs);
          if (vs.length === 0) continue;
          const v =
            agg === 'avg'
              ? vs.reduce((a, b) => a + b, 0) / vs.length
              : agg === 'min'
                ? Math.min(...vs)
                : agg === 'max'
                  ? Math.max(...vs)
                  : vs[vs.length - 1]!;
          want.push([t, v]);
        }
        expect(want.length).toBeGreaterThan(0);
        expect(got!.labels).toMatchObject({ __name__: 'scrape_duration_seconds', job: 'self' });
        expect(Array.from(got!.timestamps).map((t, k) => [t, got!.values[k]])).toEqual(
          want.map(([t, v]) => [t, expect.closeTo(v, 12)]),
        );
      }
      // grouping across two metrics combines them: max of maxes, and avg as sum of sums over sum of counts
      const two = '{job="self",__name__=~"scrape_duration_seconds|scrape_samples_scraped"}';
      const each = await history.range({ matchers: two, from, to, stepMs, agg: 'max' });
      const grouped = await history.range({ matchers: two, from, to, stepMs, agg: 'max', by: ['job'] });
      expect(grouped.map((g) => g.labels)).toEqual([{ job: 'self' }]);
      expect(Array.from(grouped[0]!.values)).toEqual(
        Array.from(each[0]!.values, (v, k) => Math.max(v, each[1]!.values[k]!)),
      );
      const avgOne = await history.range({ matchers: selector, from, to, stepMs, agg: 'avg', by: ['job'] });
      const avgRaw = await history.range({ matchers: selector, from, to, stepMs, agg: 'avg' });
      expect(Array.from(avgOne[0]!.values)).toEqual(
        Array.from(avgRaw[0]!.values).map((v) => expect.closeTo(v, 12)),
      );
      expect((await history.series('up')).map((l) => l['job'])).toEqual(['self']);
      const [latest] = await history.latest([{ name: '__name__', op: '=', value: 'up' }]);
      expect(latest).toMatchObject({ value: 1, stale: false, labels: { __name__: 'up', job: 'self' } });
      expect(Date.now() - latest!.timestamp).toBeLessThan(60_000);
    });
  },
);
