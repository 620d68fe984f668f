#!/usr/bin/env node
// Scrape parser throughput: M samples/s on a real node-exporter page and a synthetic 100k-series page,
// steady state (series cache warm, as on every scrape after the first) and cold (first scrape: every series
// parsed and interned), side by side with npm parse-prometheus-text-format on the same text.
// Run: pnpm bench:scrape   (builds core and source-prometheus first)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { firstScrape } from './first-scrape.mjs';

const pkgDir = new URL('../../packages/source-prometheus/', import.meta.url);
const { createScrapeParser, parseExposition } = await import(new URL('dist/index.js', pkgDir).href);
const require = createRequire(new URL('package.json', pkgDir));
const { createSeriesRegistry, MetricBatchBuilder } = await import(require.resolve('@argus/core'));
const parsePrometheusTextFormat = require('parse-prometheus-text-format');
const minMs = Number(process.env.BENCH_MS ?? 1500);

function syntheticPage(n) {
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  const lines = ['# HELP http_requests_total Requests handled.', '# TYPE http_requests_total counter'];
  for (let i = 0; i < n; i++) {
    const labels = `method="${methods[i % 4]}",path="/api/v1/items/${i >> 2}",status="${200 + (i % 3) * 100}",pod="web-${i % 50}"`;
    lines.push(`http_requests_total{${labels}} ${(i * 37.25).toFixed(2)}`);
  }
  // one join, no concatenation after it: a flat string, as a page decoded from a response is (a concatenated one
  // is flattened, 10 MB copied, by whatever reads it first: the first slice of the first scrape)
  lines.push('');
  return lines.join('\n');
}

// Runs fn repeatedly for at least minMs after a warm-up; returns the best-of-rounds rate (samples/s).
function measure(samplesPerCall, fn) {
  for (let i = 0; i < 3; i++) fn();
  let best = 0;
  const until = performance.now() + minMs;
  while (performance.now() < until) {
    let calls = 0;
    const t0 = performance.now();
    do {
      fn();
      calls++;
    } while (performance.now() - t0 < 100);
    const rate = (samplesPerCall * calls) / ((performance.now() - t0) / 1000);
    if (rate > best) best = rate;
  }
  return best;
}

function benchPage(label, page) {
  const samples = parseExposition(page).samples.length;
  const registry = createSeriesRegistry();
  const warm = createScrapeParser({ series: registry, targetLabels: { job: 'bench', instance: 'h:1' } });
  let t = 0;
  const steady = measure(samples, () => {
    const out = new MetricBatchBuilder(samples);
    warm.parse(page, 'text', (t += 1000), out);
    out.build();
  });
  const cold = measure(samples, () => {
    const out = new MetricBatchBuilder(samples);
    createScrapeParser({
      series: createSeriesRegistry(),
      targetLabels: { job: 'bench', instance: 'h:1' },
    }).parse(page, 'text', 1, out);
    out.build();
  });
  const objects = measure(samples, () => parseExposition(page));
  const npm = measure(samples, () => parsePrometheusTextFormat(page));
  return { label, samples, bytes: Buffer.byteLength(page), steady, cold, objects, npm };
}

const nodeExporter = readFileSync(new URL('test/fixtures/node-exporter.prom', pkgDir), 'utf8');
const results = [
  benchPage('node-exporter 1.5.0 page (real binary)', nodeExporter),
  benchPage('synthetic 100k series', syntheticPage(100_000)),
];

const m = (r) => (r / 1e6).toFixed(2);
console.log(
  `Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), single thread, best of ${minMs} ms, load average ${os.loadavg()[0].toFixed(1)} (other processes' CPU slows every rate)\n`,
);
console.log(
  '| page | samples | scrape parser, steady (M/s) | scrape parser, cold (M/s) | parseExposition objects (M/s) | parse-prometheus-text-format (M/s) | steady ÷ npm |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.label} | ${r.samples} | ${m(r.steady)} | ${m(r.cold)} | ${m(r.objects)} | ${m(r.npm)} | ${(r.steady / r.npm).toFixed(1)}× |`,
  );
}
const failed = results.filter((r) => r.steady < 2e6 || r.steady < 5 * r.npm);
if (failed.length)
  console.log(`\nbelow target (≥ 2 M/s and ≥ 5× npm): ${failed.map((r) => r.label).join(', ')}`);

// The first scrape the way the scrape source runs it: in slices that give the event loop back.
const big = syntheticPage(100_000);
const first = await firstScrape({
  page: big,
  samples: 100_000,
  runs: Number(process.env.BENCH_FIRST_RUNS ?? 5),
  createScrapeParser,
  createSeriesRegistry,
  MetricBatchBuilder,
});
console.log(
  '\nFirst scrape of the synthetic 100k-series page, sliced (`parseSliced`, as the scrape source runs it):\n',
);
console.log(
  '| runs | best, per CPU second (M/s) | best, per wall second (M/s) | slices | longest slice, CPU (ms) | longest slice, wall (ms) | slices > 10 ms, CPU / wall / both (all runs) | max added loop delay (ms) | target ≥ 1 M/s, ≤ 10 ms |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
const b = first.best;
const maxDelay = Math.max(...first.runs.map((x) => x.maxLoopDelayMs));
console.log(
  `| ${first.runs.length} | ${m(b.cpuRate)} | ${m(b.rate)} | ${b.slices} | ${first.longestSliceCpuMs.toFixed(1)} | ${first.longestSliceMs.toFixed(1)} | ${first.slicesOver10Cpu} / ${first.slicesOver10Wall} / ${first.slicesOver10Both} | ${maxDelay.toFixed(1)} | ${b.cpuRate >= 1e6 ? 'rate met' : 'rate **missed**'}, ${first.longestSliceCpuMs <= 10 ? 'slices met (CPU)' : 'slices **missed**'} |`,
);

// What a first scrape leaves on the heap: the series registry and the target's parser cache after the 100k page,
// the page itself dropped (a label string sliced from the page would keep all of it alive). Needs --expose-gc.
if (typeof global.gc === 'function') {
  const settle = async () => {
    global.gc();
    await new Promise((r) => setImmediate(r));
    global.gc();
  };
  await settle();
  const before = process.memoryUsage().heapUsed;
  // in a function of its own, so that no frame of this module still holds the page when the heap is measured
  const firstPage = async () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series, targetLabels: { job: 'bench', instance: 'h:1' } });
    const out = new MetricBatchBuilder(100_000);
    await parser.parseSliced(syntheticPage(100_000), 'text', 1, out);
    out.build();
    return { series, parser };
  };
  const { series, parser } = await firstPage();
  await settle();
  const perSeries = (process.memoryUsage().heapUsed - before) / series.size;
  console.log(
    `\nHeap kept after the first scrape of a fresh 100k page (registry + parser cache, page dropped): ${perSeries.toFixed(0)} bytes per series (${parser.size} cached)`,
  );
}
