// Side by side, one run, same machine: alert ingest through routing, dedup and grouping.
//
// Workload (both sides): n alerts with 4 labels (alertname ×100, cluster ×10, a unique instance, severity), grouped
// by alertname+cluster under two child routes, `severity="critical"` with continue and `cluster=~"c.*"` (so the
// 20 % critical alerts are in two groups; 120 groups in all), group_wait 1 h (no notification during the run). Two phases: "new" (n alerts never seen)
// and "re-send" (the same n alerts again, as Prometheus re-sends firing alerts every evaluation).
//
// Argus: in process, createAlertManager().ingest() in batches of 1,000, default options (flap detection and the
//   history on) with durability off, then on (core's file state store in a temporary directory, fsync on: the
//   default of `argus run`; the journal writes each flush as one record). Timed:
//   building the Alert objects, computing each fingerprint from the labels (phase "new"; an alerter keeps it for
//   re-sends), ingest() and waiting for flushed(). The label objects exist before (a rule holds its series'
//   labels). A warm-up run of 20,000 alerts on another manager first (the JIT; a long-running service is warm).
//   A pass over 10,000 alerts takes milliseconds, so one collection of the garbage would decide it: "new" is
//   the mean over fresh managers for 500,000 alerts in all, "re-send" over passes for 1,000,000 in all.
//   Memory: heap growth per active alert after a full GC, counting what the manager keeps (labels, annotations,
//   fingerprints); the benchmark's own arrays of labels are dropped before it is read.
// Alertmanager 0.25: POST /api/v2/alerts with 1,000 alerts per request, one request at a time over loopback HTTP
//   (its JSON parsing, validation, fingerprinting, store and dispatcher); bodies encoded before timing. "new"
//   is one pass, "re-send" the mean over passes for 200,000 alerts in all.
//   Memory: RSS growth of its process per active alert.
// Floor (in-memory run only): building the Alert, its fingerprint and one Map insert per new alert, no manager, to
//   show what a first-seen alert costs before any routing, grouping or bookkeeping.
//
// Run: pnpm bench:alerting [counts…]   (default 10000 100000 1000000)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStateStore, fingerprint } from '@argus/core';
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

/** State directories made by this run, removed at its end. */
const dirs = [];

function manager(durable) {
  const dir = durable ? mkdtempSync(join(tmpdir(), 'argus-bench-am-')) : undefined;
  if (dir) dirs.push(dir);
  return createAlertManager({
    ...(dir ? { state: fileStateStore({ dir }) } : {}),
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

/** Ingests batches (building each batch's Alert objects inside the timing); returns the seconds taken. */
async function feed(am, labels, fps, startsAt) {
  const t0 = performance.now();
  for (let i = 0; i < labels.length; i += BATCH) {
    const end = Math.min(labels.length, i + BATCH);
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
  }
  await am.flushed();
  return (performance.now() - t0) / 1000;
}

/** One pass of new alerts into a manager dropped afterwards (in a function of its own, so that nothing of it
 * stays reachable from the caller's suspended frame and counts in the memory figure). */
async function throwaway(n, durable, labels) {
  const am = manager(durable);
  await am.start();
  const s = await feed(am, labels, new Array(n), Date.now());
  await am.stop();
  return s;
}

/** Passes over n alerts: enough of them that a garbage collection lands in the mean, not in one short pass. */
const passes = (n, total) => Math.max(1, Math.round(total / n));

/**
 * The floor under "new": what any in-process manager has to do for a first-seen alert before routing, grouping,
 * flap detection or history — build the Alert, compute its fingerprint, keep it in one hash map by fingerprint.
 * Timed like "new" (fresh map per pass, 500,000 alerts in all).
 */
function floor(labels) {
  const n = labels.length;
  const total = passes(n, 500_000);
  let seconds = 0;
  for (let p = 0; p < total; p++) {
    const byFp = new Map();
    const startsAt = Date.now();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const l = labels[i];
      const al = {
        labels: l,
        annotations: { summary: 'x' },
        state: 'firing',
        startsAt,
        fingerprint: fingerprint(l),
        origin: 'bench',
      };
      if (!byFp.has(al.fingerprint)) byFp.set(al.fingerprint, al);
    }
    seconds += (performance.now() - t0) / 1000;
    if (byFp.size !== n) throw new Error(`floor: expected ${n} alerts, got ${byFp.size}`);
  }
  return (n * total) / seconds;
}

async function argus(n, durable) {
  // a collection finishes its sweeping concurrently: let it, so the baseline is not read mid-way
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const before = process.memoryUsage().heapUsed;
  let labels = Array.from({ length: n }, (_, i) => labelsOf(i));
  let fps = new Array(n);
  // the labels move to the old generation first, where a rule's long-lived series labels are
  gc();
  // new: every pass a fresh manager (so the alerts are new to it); the first one stays for re-send and memory
  const kept = manager(durable);
  await kept.start();
  const startsAt = Date.now();
  let newSeconds = await feed(kept, labels, fps, startsAt);
  const newPasses = passes(n, 500_000);
  for (let p = 1; p < newPasses; p++) newSeconds += await throwaway(n, durable, labels);
  let againSeconds = 0;
  const againPasses = passes(n, 1_000_000);
  for (let p = 0; p < againPasses; p++) againSeconds += await feed(kept, labels, fps, startsAt);
  const floorRate = durable ? undefined : floor(labels);
  labels = undefined;
  fps = undefined;
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / n;
  if (kept.groups().length !== 120) throw new Error(`expected 120 groups, got ${kept.groups().length}`);
  if (kept.alerts().length !== n) throw new Error(`expected ${n} active alerts, got ${kept.alerts().length}`);
  await kept.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  return {
    fresh: (n * newPasses) / newSeconds,
    again: (n * againPasses) / againSeconds,
    bytes,
    floor: floorRate,
  };
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
    const post = async (times) => {
      const t0 = performance.now();
      for (let p = 0; p < times; p++)
        for (const body of bodies) {
          const res = await fetch(`${am.url}/api/v2/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          if (!res.ok) throw new Error(`alertmanager: ${res.status} ${await res.text()}`);
        }
      return (n * times) / ((performance.now() - t0) / 1000);
    };
    const fresh = await post(1);
    const again = await post(passes(n, 200_000));
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
await argus(20_000, false);
console.log(`Node ${process.version}, ${process.platform}/${process.arch}; alerts/s, batches of ${BATCH}`);
console.log(
  '| active alerts | phase | Argus in memory | Argus durable (file store, fsync) | Alertmanager 0.25 API | ratio (in memory / AM) |',
);
console.log('|---|---|---|---|---|---|');
const mem = [];
const floors = [];
for (const n of counts.length ? counts : [10_000, 100_000, 1_000_000]) {
  const a = await argus(n, false);
  const d = await argus(n, true);
  const m = await alertmanager(n);
  console.log(
    `| ${fmt(n)} | new | ${fmt(a.fresh)} | ${fmt(d.fresh)} | ${fmt(m.fresh)} | ${ratio(a.fresh, m.fresh)} |`,
  );
  console.log(
    `| ${fmt(n)} | re-send | ${fmt(a.again)} | ${fmt(d.again)} | ${fmt(m.again)} | ${ratio(a.again, m.again)} |`,
  );
  mem.push(`| ${fmt(n)} | ${fmt(a.bytes)} | ${fmt(d.bytes)} | ${fmt(m.bytes)} |`);
  floors.push(`| ${fmt(n)} | ${fmt(a.floor)} | ${ratio(a.floor, m.fresh)} | ${fmt(50 * m.fresh)} |`);
}
console.log(
  '\n| active alerts | Argus bytes/alert (heap) | Argus durable | Alertmanager bytes/alert (RSS) |',
);
console.log('|---|---|---|---|');
for (const line of mem) console.log(line);
console.log(
  '\n| active alerts | floor for a new alert: build + fingerprint + one Map (alerts/s) | floor / AM new | 50× AM new |',
);
console.log('|---|---|---|---|');
for (const line of floors) console.log(line);
