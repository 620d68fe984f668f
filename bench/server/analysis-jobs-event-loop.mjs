#!/usr/bin/env node
// Measures how responsive the server's event loop stays while an analysis job runs: the same rule backtest run
// (a) as a job (history copied in slices, evaluated in a worker thread) and (b) directly in process, as code on
// the server's thread would. monitorEventLoopDelay samples the loop every 10 ms in both. A measurement for
// docs/server.md, not a test: numbers vary with the machine and its load.
//   pnpm --filter @argus/server build && node bench/server/analysis-jobs-event-loop.mjs [--series 200] [--hours 6]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { backtest, createAlertManager, ruleGroups } from '../../packages/alerting/dist/index.js';
import { memoryStateStore } from '../../packages/core/dist/index.js';
import { storeQueryable } from '../../packages/promql/dist/index.js';
import { createArgusServer } from '../../packages/server/dist/index.js';
import { createStore } from '../../packages/store/dist/index.js';

const { values } = parseArgs({ options: { series: { type: 'string' }, hours: { type: 'string' } } });
const SERIES = Number(values.series ?? 200);
const HOURS = Number(values.hours ?? 6);
const T0 = Date.parse('2026-11-30T00:00:00Z');
const END = T0 + HOURS * 3_600_000;
const RULES = `groups:
  - name: cpu
    interval: 15s
    rules:
      - alert: HighCpu
        expr: avg_over_time(cpu[5m]) > 0.9
        for: 2m
`;

const store = createStore({ retentionMs: 30 * 86_400_000 });
for (let t = T0; t < END; t += 15_000)
  for (let i = 0; i < SERIES; i++)
    store.append({ __name__: 'cpu', instance: `i${i}` }, t, ((t / 60_000 + i) % 97) / 100 + 0.05);

const ms = (ns) => (ns / 1e6).toFixed(1);
async function measured(label, run) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t = performance.now();
  const out = await run();
  h.disable();
  console.log(
    `${label.padEnd(28)} ${((performance.now() - t) / 1000).toFixed(1)} s   loop delay p50 ${ms(h.percentile(50))} ms` +
      `  p99 ${ms(h.percentile(99))} ms  max ${ms(h.max)} ms`,
  );
  return out;
}

// the server's workers never hold the process open (a listening server does); nothing listens here
const keepAlive = setInterval(() => {}, 1000);
const am = createAlertManager({
  config: { route: { receiver: 'x' }, receivers: [{ name: 'x' }] },
  durable: false,
});
await am.start();
const app = await createArgusServer({
  alertManager: am,
  state: memoryStateStore(),
  store,
  anonymousRole: 'operator',
});
const body = { type: 'backtest', rules: RULES, from: T0 + 3_600_000, to: END };
console.log(
  `${SERIES} series × ${HOURS} h at 15 s (${store.stats().samples ?? '?'} samples); rule every 15 s`,
);
await measured('idle (baseline, 3 s)', () => new Promise((r) => setTimeout(r, 3000)));
const job = await measured('as a job (worker thread)', async () => {
  const id = (await app.inject({ method: 'POST', url: '/api/analysis/jobs', payload: body })).json().id;
  for (;;) {
    const job = (await app.inject({ url: `/api/analysis/jobs/${id}?waitMs=60000` })).json();
    if (job.state !== 'running') return job;
  }
});
const direct = await measured('in process (same thread)', async () => {
  const scratch = createStore();
  const groups = ruleGroups({
    files: [{ file: 'bench', text: RULES }],
    queryable: storeQueryable(store),
    appender: scratch,
  });
  return backtest([groups.alerter], { from: body.from, to: body.to, stepMs: 60_000 });
});
console.log(`job ${job.state}: ${job.result?.transitions.length} transitions; in process: ${direct.length}`);
await app.close();
await am.stop();
await store.close();
clearInterval(keepAlive);
