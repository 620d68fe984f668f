// Side by side, one run, same machine: alert ingest through routing, dedup and grouping.
//   Argus: in process, createAlertManager().ingest() in batches of 1,000; durability off and on (memory store).
//          Memory = heap growth per active alert (input objects built and measured before).
//   Alertmanager 0.25: POST /api/v2/alerts in batches of 1,000 over loopback HTTP (JSON encode, HTTP, parse,
//          validation, its store and dispatcher). Memory = RSS growth of its process per active alert.
// Run: pnpm --filter @argus/alerting build && node --expose-gc packages/alerting/bench/vs-alertmanager.mjs [counts...]
import { readFileSync } from 'node:fs';
import { fingerprint, memoryStateStore } from '@argus/core';
import { startAlertmanager } from '@argus/testkit';
import { createAlertManager } from '../dist/index.js';

const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const BATCH = 1000;
const labelsOf = (i) => ({
  alertname: `A${i % 100}`,
  cluster: `c${i % 10}`,
  instance: `host-${i}:9100`,
  severity: i % 5 ? 'warning' : 'critical',
});
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

async function argus(n, durable) {
  const alerts = Array.from({ length: n }, (_, i) => {
    const labels = labelsOf(i);
    return {
      labels,
      annotations: { summary: 'x' },
      state: 'firing',
      startsAt: Date.now(),
      fingerprint: fingerprint(labels),
      origin: 'bench',
    };
  });
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const am = createAlertManager({
    state: memoryStateStore(),
    durable,
    flap: false,
    historyLimit: 1,
    config: {
      route: { receiver: 'r', groupBy: ['alertname', 'cluster'], groupWaitMs: 3_600_000 },
      receivers: [{ name: 'r' }],
    },
  });
  await am.start();
  const t0 = performance.now();
  for (let i = 0; i < n; i += BATCH) am.ingest(alerts.slice(i, i + BATCH));
  await am.flushed();
  const s = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const bytes = (process.memoryUsage().heapUsed - before) / n;
  await am.stop();
  return { rate: n / s, bytes };
}

async function alertmanager(n) {
  const am = await startAlertmanager({
    config:
      'route: { receiver: "null", group_by: [alertname, cluster], group_wait: 1h }\nreceivers: [{ name: "null" }]\n',
  });
  try {
    const base = rss(am.pid);
    const ends = new Date(Date.now() + 3_600_000).toISOString();
    const bodies = [];
    for (let i = 0; i < n; i += BATCH) {
      bodies.push(
        JSON.stringify(
          Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => ({
            labels: labelsOf(i + j),
            annotations: { summary: 'x' },
            endsAt: ends,
          })),
        ),
      );
    }
    const t0 = performance.now();
    for (const body of bodies) {
      const res = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (!res.ok) throw new Error(`alertmanager: ${res.status} ${await res.text()}`);
    }
    const s = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    return { rate: n / s, bytes: (rss(am.pid) - base) / n };
  } finally {
    await am.stop();
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(
  '| active alerts | Argus in memory (alerts/s) | Argus durable, memory store | Alertmanager 0.25 API | ratio (in memory / AM) | Argus bytes/alert | AM bytes/alert |',
);
console.log('|---|---|---|---|---|---|---|');
for (const n of counts.length ? counts : [10_000, 100_000]) {
  const a = await argus(n, false);
  const d = await argus(n, true);
  const m = await alertmanager(n);
  console.log(
    `| ${fmt(n)} | ${fmt(a.rate)} | ${fmt(d.rate)} | ${fmt(m.rate)} | ${(a.rate / m.rate).toFixed(1)}× | ${fmt(a.bytes)} | ${fmt(m.bytes)} |`,
  );
}
