// The benchmark's data, written as OpenMetrics text straight to a file (it is ~100 MB at full size): both
// Prometheus (`promtool tsdb create-blocks-from openmetrics`) and Argus (`argus import openmetrics`) load it.
import { createWriteStream } from 'node:fs';

const MIN = 60_000;

/** Sizes: full as the issue asks; `quick` for a smoke run. */
export function sizes(quick) {
  return quick
    ? { gauges: 1_000, counters: 100, counterSpanMs: 6 * 60 * MIN, histInstances: 10 }
    : { gauges: 10_000, counters: 1_000, counterSpanMs: 24 * 60 * MIN, histInstances: 50 };
}

export const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];

/** Writes the file; resolves to the number of samples. Deterministic: no randomness, values from sin/indices. */
export async function writeData(path, endMs, size) {
  const out = createWriteStream(path);
  let buf = '';
  let samples = 0;
  const push = async (line) => {
    buf += line;
    samples++;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((ok) => out.once('drain', ok));
      buf = '';
    }
  };
  // 10k gauges, 4 samples each in the last 3 minutes: the instant aggregation reads one sample per series
  buf += '# TYPE bench_temperature gauge\n';
  for (let i = 0; i < size.gauges; i++)
    for (let k = 3; k >= 0; k--)
      await push(
        `bench_temperature{instance="i${i}",job="j${i % 10}"} ${(20 + ((i * 7 + k) % 50) / 10).toFixed(1)} ${(endMs - k * MIN) / 1000}\n`,
      );
  // counters scraped every minute over a day
  buf += '# TYPE bench_requests counter\n';
  const points = size.counterSpanMs / MIN;
  for (let i = 0; i < size.counters; i++) {
    let v = 0;
    for (let k = points; k >= 0; k--) {
      v += 50 + ((i * 13 + k * 7) % 31);
      await push(
        `bench_requests_total{instance="i${i}",job="j${i % 10}"} ${v} ${(endMs - k * MIN) / 1000}\n`,
      );
    }
  }
  // a classic histogram per instance over two hours
  buf += '# TYPE bench_latency_seconds histogram\n';
  for (let i = 0; i < size.histInstances; i++) {
    const counts = LES.map(() => 0);
    for (let k = 120; k >= 0; k--) {
      for (let b = 0; b < LES.length; b++) counts[b] += 5 * (b + 1) + ((i + k) % 3);
      for (let b = 0; b < LES.length; b++)
        await push(
          `bench_latency_seconds_bucket{instance="i${i}",le="${LES[b]}"} ${counts[b]} ${(endMs - k * MIN) / 1000}\n`,
        );
    }
  }
  buf += '# EOF\n';
  out.end(buf);
  await new Promise((ok, fail) => out.once('finish', ok).once('error', fail));
  return samples;
}

/** 100 alerting-rule expressions over the data, of the four kinds rule files use most. */
export function ruleExprs(size) {
  const out = [];
  for (let n = 0; n < 25; n++) {
    const i = (n * 37) % size.counters;
    out.push(`rate(bench_requests_total{instance="i${i}"}[5m]) > ${1 + (n % 3) * 0.1}`);
    out.push(`avg by (job) (bench_temperature{job="j${n % 10}"}) > ${22 + (n % 5)}`);
    out.push(
      `histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket{instance="i${n % size.histInstances}"}[5m]))) > 0.5`,
    );
    out.push(`sum by (job) (increase(bench_requests_total{job="j${n % 10}"}[1h])) < ${1000 * (n + 1)}`);
  }
  return out;
}
