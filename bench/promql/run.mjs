// PromQL benchmark: `pnpm bench:promql` at the root (builds first). The same OpenMetrics data loaded into the real
// Prometheus (`promtool tsdb create-blocks-from openmetrics`) and into Argus (`argus import openmetrics`), the same
// queries over HTTP to both (`prometheus` and `argus serve`, alternating, median of --reps), then the same
// queries in process on @argus/promql with the longest event-loop block (monitorEventLoopDelay).
// Flags: --quick (small data, smoke run), --reps N (default 5). Prints a markdown section for docs/benchmarks.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createEngine, storeQueryable } from '../../packages/promql/dist/index.js';
import { createStore } from '../../packages/store/dist/index.js';
import { startServer } from '../../packages/testkit/dist/index.js';
import { ruleExprs, sizes, writeData } from './data.mjs';
import { createBlocks, prometheusOverBlocks } from './prometheus.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const reps = Number(args[args.indexOf('--reps') + 1] || 0) || 5;
const size = sizes(quick);
const MIN = 60_000;
const END = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;
const RETENTION = '36500d';
const lines = [];
const say = (s) => {
  lines.push(s);
  console.log(s);
};
const secs = (ms) => (ms / 1000).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, r };
};

const queries = [
  {
    name: `instant aggregation over ${size.gauges} series`,
    path: '/api/v1/query',
    params: { query: 'sum by (job) (bench_temperature)', time: END / 1000 },
  },
  {
    name: `rate() over ${size.counters} series, ${size.counterSpanMs / 3_600_000} h at a 15 s step`,
    path: '/api/v1/query_range',
    params: {
      query: 'sum by (job) (rate(bench_requests_total[5m]))',
      start: (END - size.counterSpanMs + 5 * MIN) / 1000,
      end: END / 1000,
      step: 15,
    },
  },
  {
    name: `histogram_quantile over ${size.histInstances}×11 classic buckets, 2 h at a 15 s step`,
    path: '/api/v1/query_range',
    params: {
      query: 'histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))',
      start: (END - 115 * MIN) / 1000,
      end: END / 1000,
      step: 15,
    },
  },
];
const rules = ruleExprs(size);

async function http(base, path, params) {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  const body = await res.json();
  if (body.status !== 'success')
    throw new Error(`${base}${path} ${params.query}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data.result.length;
}

const runRules = async (base) => {
  let n = 0;
  for (const q of rules) n += await http(base, '/api/v1/query', { query: q, time: END / 1000 });
  return n;
};

const dir = mkdtempSync(join(os.tmpdir(), 'argus-bench-promql-'));
const servers = [];
try {
  const file = join(dir, 'data.om');
  const gen = await timed(() => writeData(file, END, size));
  const samples = gen.r;
  const prom = await timed(() => createBlocks(file, join(dir, 'tsdb')));
  const cli = join(root, 'packages/cli/dist/bin.js');
  const argusDir = join(dir, 'argus');
  const imp = await timed(() =>
    execFileSync(
      process.execPath,
      [cli, 'import', 'openmetrics', file, '--data-dir', argusDir, '--retention', RETENTION],
      { stdio: 'pipe' },
    ),
  );
  rmSync(file);
  const prometheus = await startServer(prometheusOverBlocks(join(dir, 'tsdb'), { timeoutMs: 120_000 }));
  servers.push(prometheus);
  const argus = await startServer({
    command: process.execPath,
    args: ({ port }) => [
      cli,
      'serve',
      '--data-dir',
      argusDir,
      '--retention',
      RETENTION,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    readyPath: '/api/v1/status/buildinfo',
    timeoutMs: 120_000,
  });
  servers.push(argus);

  const cases = [
    ...queries.map((q) => ({ name: q.name, run: (base) => http(base, q.path, q.params) })),
    { name: `${rules.length} alerting-rule expressions, one instant query each`, run: runRules },
  ];
  const rows = [];
  for (const c of cases) {
    const counts = [await c.run(argus.url), await c.run(prometheus.url)]; // warm-up, and both answer alike
    if (counts[0] !== counts[1])
      throw new Error(`${c.name}: argus returned ${counts[0]} series, prometheus ${counts[1]}`);
    const a = [];
    const p = [];
    for (let i = 0; i < reps; i++) {
      const order = i % 2 === 0 ? [argus, prometheus] : [prometheus, argus];
      for (const s of order) (s === argus ? a : p).push((await timed(() => c.run(s.url))).ms);
    }
    rows.push({ name: c.name, argus: median(a), prom: median(p), series: counts[0] });
    console.error(`  ${c.name}: argus ${median(a).toFixed(1)} ms, prometheus ${median(p).toFixed(1)} ms`);
  }
  await argus.stop();

  // in process: the same queries on the engine, with the longest event-loop block during each
  const store = createStore({ dataDir: argusDir, retentionMs: 36_500 * 86_400_000 });
  await store.open();
  const engine = createEngine({ queryable: storeQueryable(store) });
  const inProcess = [
    ...queries.map(
      (q) => () =>
        q.path.endsWith('range')
          ? engine.rangeQuery(
              q.params.query,
              q.params.start * 1000,
              q.params.end * 1000,
              q.params.step * 1000,
            )
          : engine.instantQuery(q.params.query, q.params.time * 1000),
    ),
    async () => {
      for (const q of rules) await engine.instantQuery(q, END);
    },
  ];
  for (const [i, run] of inProcess.entries()) {
    await run();
    const ms = [];
    let block = 0;
    for (let k = 0; k < reps; k++) {
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      // let the probe's timer tick once first: a run that never yields from its start is otherwise not seen at all
      await new Promise((ok) => setTimeout(ok, 3));
      ms.push((await timed(run)).ms);
      // a run that never yields delays the sampling timer until here: let it fire and record that delay
      await new Promise((ok) => setTimeout(ok, 5));
      h.disable();
      block = Math.max(block, h.max / 1e6);
    }
    rows[i].inProcess = median(ms);
    rows[i].blockMs = block;
  }
  await store.close();

  say(
    `### PromQL over HTTP: Argus vs Prometheus ${promVersion()} (${new Date().toISOString().slice(0, 10)})`,
  );
  say('');
  say(
    `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)} at the end: shared with other work, so the figures are noisy), Node ${process.version}. ` +
      `${samples.toLocaleString('en')} samples; load: promtool ${secs(prom.ms)} s, \`argus import openmetrics\` ${secs(imp.ms)} s. Median of ${reps} alternating runs${quick ? ' (--quick sizes)' : ''}.`,
  );
  say('');
  say(
    '| query | series out | Argus HTTP (ms) | Prometheus HTTP (ms) | Argus / Prometheus | Argus in process (ms) | longest event-loop block in process (ms) |',
  );
  say('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    say(
      `| ${r.name} | ${r.series} | ${r.argus.toFixed(1)} | ${r.prom.toFixed(1)} | ${(r.argus / r.prom).toFixed(2)} | ${r.inProcess.toFixed(1)} | ${r.blockMs.toFixed(1)} |`,
    );
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}

function promVersion() {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  return /version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? '';
}
