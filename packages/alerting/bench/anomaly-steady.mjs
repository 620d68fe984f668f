// The preset's AnomalyDetected rule alone, fed as the preset feeds it past warm-up: one batch of N series per read,
// findings on a share of them, CPU per sample over the reads after the first ones (which build the per-series keys).
//   node --expose-gc packages/alerting/bench/anomaly-steady.mjs [series=10000] [reads=200] [skip=50]
// An A/B swaps another build into packages/alerting/dist between runs.
import { anomalyRule } from '@argus/alerting';
import { createSeriesRegistry, MetricBatchBuilder } from '@argus/core';
import { testStageContext } from '@argus/testkit';

const [seriesArg = '10000', readsArg = '200', skipArg = '50'] = process.argv.slice(2);
const n = Number(seriesArg);
const reads = Number(readsArg);
const skip = Number(skipArg);
// share of samples with a finding (BENCH_FINDINGS): alert churn (templates rendered per state change) grows with it
const FINDING_SHARE = Number(process.env.BENCH_FINDINGS ?? 0.001);

// the preset's options (packages/node/src/rules.ts), its selector matching every series as `watch` does in bench/embed
const rule = anomalyRule({
  alert: 'AnomalyDetected',
  selector: 'bench_queue_depth',
  minScore: 0.5,
  n: 1,
  m: 2,
  severity: 'warning',
  labels: { series: '{{ $labels.__name__ }}' },
  annotations: { summary: 'unusual value {{ $value | printf "%.4g" }} of {{ $labels.__name__ }}' },
});
const series = createSeriesRegistry();
const ids = Array.from({ length: n }, (_, i) =>
  series.intern({
    __name__: 'bench_queue_depth',
    route: `/r/${i % 1000}`,
    instance: `10.0.${Math.floor(i / 1000)}.7`,
  }),
);
let x = 12345;
const rnd = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) / 2 ** 32;
};
let cpu = 0;
let findingCount = 0;
for (let r = 0; r < reads; r++) {
  const ts = 1_700_000_000_000 + r * 1000;
  const b = new MetricBatchBuilder(n);
  const findings = [];
  for (const id of ids) {
    b.push(id, ts, rnd() * 100);
    if (rnd() < FINDING_SHARE) {
      findings.push({
        id: `f${findingCount++}`,
        series: id,
        timestamp: ts,
        value: 1,
        score: 0.5 + rnd() / 2,
        kind: 'spike',
        detector: 'bench',
        explanation: 'x',
      });
    }
  }
  const input = { metrics: b.build(), findings };
  const ctx = testStageContext({ now: ts, series });
  const t0 = process.cpuUsage();
  rule.evaluate(input, ctx);
  const d = process.cpuUsage(t0);
  if (r >= skip) cpu += d.user + d.system;
}
const measured = (reads - skip) * n;
console.log(
  JSON.stringify({
    series: n,
    reads: reads - skip,
    nsPerSample: Math.round((cpu * 1000) / measured),
    msPerRead: cpu / 1000 / (reads - skip),
  }),
);
