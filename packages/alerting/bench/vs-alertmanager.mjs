// Side by side, one run, same machine: alert ingest through routing, dedup and grouping.
//
// Workload (both sides): n alerts with 4 labels (alertname ×100, cluster ×10, a unique instance, severity), grouped
// by alertname+cluster under two child routes, `severity="critical"` with continue and `cluster=~"c.*"` (so the
// 20 % critical alerts are in two groups; 120 groups in all), group_wait 1 h (no notification during the run). Two phases: "new" (n alerts never seen)
// and "re-send" (the same n alerts again, as Prometheus re-sends firing alerts every evaluation).
//
// Argus: in process, createAlertManager().ingest() in batches of 1,000, default options (flap detection and the
//   history on) with durability off, then on (memory state store: every change JSON-encoded, no disk). Timed per
//   batch: building the 1,000 Alert objects, computing each fingerprint from the labels (phase "new"; an alerter
//   keeps it for re-sends) and ingest(). The label objects exist before (a rule holds its series' labels).
//   A warm-up run of 20,000 alerts on another manager first (the JIT; a long-running service is warm).
//   Memory: heap growth per active alert after a full GC, counting what the manager keeps (labels, annotations,
//   fingerprints); the benchmark's own arrays of labels are dropped before it is read.
// Alertmanager 0.25: POST /api/v2/alerts with 1,000 alerts per request, one request at a time over loopback HTTP
//   (its JSON parsing, validation, fingerprinting, store and dispatcher); bodies encoded before timing.
//   Memory: RSS growth of its process per active alert.
//
// Run: pnpm bench:alerting [counts…]   (default 10000 100000 1000000)
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
const gc = () => {
  globalThis.gc?.();
  globalThis.gc?.();
};

function manager(durable) {
  return createAlertManager({
    state: memoryStateStore(),
    durable,
    config: {
      route: {
        receiver: 'r',
        groupBy: ['alertname', 'cluster'],
        groupWaitMs: 3_600_000,
        routes: [
          { matchers: ['severity="critical"'], receiver: 'r', continue: true },
          { matchers: ['cluster=~"c.*"'], receiver: 'r' },
        ],
      },
      receivers: [{ name: 'r' }],
    },
  });
}

/** Ingests batches; returns the seconds spent building alerts and in ingest(). */
function feed(am, labels, fps, startsAt) {
  let ms = 0;
  for (let i = 0; i < labels.length; i += BATCH) {
    const end = Math.min(labels.length, i + BATCH);
    const t0 = performance.now();
    const batch = new Array(end - i);
    for (let j = i; j < end; j++) {
      const l = labels[j];
      fps[j] ??= fingerprint(l);
      batch[j - i] = {
        labels: l,
        annotations: { summary: 'x' },
        state: 'firing',
        startsAt,
        fingerprint: fps[j],
        origin: 'bench',
      };
    }
    am.ingest(batch);
    ms += performance.now() - t0;
  }
  return ms / 1000;
}

async function argus(n, durable, offset) {
  gc();
  const before = process.memoryUsage().heapUsed;
  let labels = Array.from({ length: n }, (_, i) => labelsOf(offset + i));
  let fps = new Array(n);
  const am = manager(durable);
  await am.start();
  // the labels move to the old generation first, where a rule's long-lived series labels are
  gc();
  const startsAt = Date.now();
  let t0 = performance.now();
  const cpu = feed(am, labels, fps, startsAt);
  await am.flushed();
  const fresh = { cpu: n / cpu, wall: n / ((performance.now() - t0) / 1000) };
  t0 = performance.now();
  const recpu = feed(am, labels, fps, startsAt);
  await am.flushed();
  const again = { cpu: n / recpu, wall: n / ((performance.now() - t0) / 1000) };
  labels = undefined;
  fps = undefined;
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / n;
  if (am.groups().length !== 120) throw new Error(`expected 120 groups, got ${am.groups().length}`);
  await am.stop();
  return { fresh, again, bytes };
}

async function alertmanager(n) {
  const am = await startAlertmanager({
    config:
      'route: { receiver: "null", group_by: [alertname, cluster], group_wait: 1h, routes: [{ matchers: [severity="critical"], receiver: "null", continue: true }, { matchers: [\'cluster=~"c.*"\'], receiver: "null" }] }\nreceivers: [{ name: "null" }]\n',
  });
  try {
    const base = rss(am.pid);
    const ends = new Date(Date.now() + 3_600_000).toISOString();
    const bodies = [];
    for (let i = 0; i < n; i += BATCH) {
      const alerts = [];
      for (let j = i; j < Math.min(n, i + BATCH); j++)
        alerts.push({ labels: labelsOf(j), annotations: { summary: 'x' }, endsAt: ends });
      bodies.push(JSON.stringify(alerts));
    }
    const post = async () => {
      const t0 = performance.now();
      for (const body of bodies) {
        const res = await fetch(`${am.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (!res.ok) throw new Error(`alertmanager: ${res.status} ${await res.text()}`);
      }
      return n / ((performance.now() - t0) / 1000);
    };
    const fresh = await post();
    const again = await post();
    await new Promise((r) => setTimeout(r, 500));
    const groups = await (await fetch(`${am.url}/api/v2/alerts/groups`)).json();
    if (groups.length !== 120) throw new Error(`alertmanager: expected 120 groups, got ${groups.length}`);
    return { fresh, again, bytes: (rss(am.pid) - base) / n };
  } finally {
    await am.stop();
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
await argus(20_000, false, 50_000_000);
console.log(`Node ${process.version}, ${process.platform}/${process.arch}; alerts/s, batches of ${BATCH}`);
console.log(
  '| active alerts | phase | Argus in memory | Argus durable (memory store) | Alertmanager 0.25 API | ratio (in memory / AM) |',
);
console.log('|---|---|---|---|---|---|');
const mem = [];
for (const n of counts.length ? counts : [10_000, 100_000, 1_000_000]) {
  const a = await argus(n, false, 0);
  const d = await argus(n, true, 0);
  const m = await alertmanager(n);
  console.log(
    `| ${fmt(n)} | new | ${fmt(a.fresh.cpu)} | ${fmt(d.fresh.wall)} | ${fmt(m.fresh)} | ${ratio(a.fresh.cpu, m.fresh)} |`,
  );
  console.log(
    `| ${fmt(n)} | re-send | ${fmt(a.again.cpu)} | ${fmt(d.again.wall)} | ${fmt(m.again)} | ${ratio(a.again.cpu, m.again)} |`,
  );
  mem.push(`| ${fmt(n)} | ${fmt(a.bytes)} | ${fmt(d.bytes)} | ${fmt(m.bytes)} |`);
}
console.log(
  '\n| active alerts | Argus bytes/alert (heap) | Argus durable | Alertmanager bytes/alert (RSS) |',
);
console.log('|---|---|---|---|');
for (const line of mem) console.log(line);
