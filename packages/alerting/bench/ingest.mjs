// Alert ingest through routing, dedup and grouping, in process, durability off (durable: false) and on (memory
// store: the JSON encoding of every change, not the disk), no notifiers.
// Run: pnpm --filter @argus/alerting build && node --expose-gc packages/alerting/bench/ingest.mjs [counts...]
import { fingerprint, memoryStateStore } from '@argus/core';
import { createAlertManager } from '../dist/index.js';

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const durable of process.env.DURABLE ? [process.env.DURABLE === '1'] : [false, true])
  for (const n of counts.length ? counts : [10_000, 100_000]) {
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const am = createAlertManager({
      state: memoryStateStore(),
      durable,
      flap: false,
      historyLimit: 1,
      config: {
        route: {
          receiver: 'r',
          groupBy: ['alertname', 'cluster'],
          routes: [{ matchers: ['severity="critical"'], receiver: 'r', continue: true }],
        },
        receivers: [{ name: 'r' }],
      },
    });
    await am.start();
    const alerts = [];
    for (let i = 0; i < n; i++) {
      const labels = {
        alertname: `A${i % 100}`,
        cluster: `c${i % 10}`,
        instance: `host-${i}:9100`,
        severity: i % 5 ? 'warning' : 'critical',
      };
      alerts.push({
        labels,
        annotations: { summary: 'x' },
        state: 'firing',
        startsAt: 0,
        fingerprint: fingerprint(labels),
        origin: 'bench',
      });
    }
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1000) am.ingest(alerts.slice(i, i + 1000));
    await am.flushed();
    const ms = performance.now() - t0;
    globalThis.gc?.();
    const bytes = (process.memoryUsage().heapUsed - before) / n;
    console.log(
      `${durable ? 'durable' : 'in memory'} ${n} alerts: ${Math.round(n / (ms / 1000))} alerts/s, ${Math.round(bytes)} bytes per active alert (incl. the input objects)`,
    );
    await am.stop();
  }
