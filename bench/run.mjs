// Argus benchmark: `pnpm bench` at the repository root (builds first, runs with --expose-gc).
// Flags: --quick (small counts, a smoke test), --only=throughput,delay,memory,embed
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tickBatches } from './lib/data.mjs';
import { delayByChunk, idleDelay } from './lib/delay.mjs';
import { embedCost } from './lib/embed.mjs';
import { internedLabels, pipelineState } from './lib/memory.mjs';
import { markdown } from './lib/report.mjs';
import { compare } from './lib/throughput.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('run with --expose-gc (pnpm bench does): node --expose-gc bench/run.mjs');
  process.exit(1);
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',') ?? ['throughput', 'delay', 'memory', 'embed'];

// Counts sized so the full run takes a couple of minutes on 2 cores; --quick divides them.
const plan = quick
  ? {
      small: { series: 1_000, ticks: 200 },
      large: { series: 100_000, ticks: 4 },
      repeats: 3,
      delayTicks: 4,
      memory: [10_000, 100_000],
      embed: { sizes: [10_000], reads: 6, rounds: 1 },
    }
  : {
      small: { series: 1_000, ticks: 10_000 },
      large: { series: 100_000, ticks: 100 },
      repeats: 5,
      delayTicks: 200,
      memory: [100_000, 1_000_000],
      embed: { sizes: [10_000, 100_000], reads: 16, rounds: 2 },
    };

const here = dirname(fileURLToPath(import.meta.url));
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

/** The commit measured, with `+dirty` when packages/core differs from it. */
function commit() {
  try {
    const git = (...a) =>
      execFileSync('git', a, {
        cwd: join(here, '..'),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'packages/core') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

async function throughput() {
  const rows = [];
  for (const { series, ticks } of [plan.small, plan.large]) {
    log(`throughput, ${series} series × ${ticks} ticks × ${plan.repeats} runs`);
    rows.push(await compare({ pool: tickBatches(series), ticks, repeats: plan.repeats }));
  }
  return rows;
}

async function delay() {
  log('event-loop delay');
  const idle = await idleDelay(500);
  const large = tickBatches(plan.large.series);
  const rows = await delayByChunk({
    pool: large,
    ticks: plan.delayTicks,
    chunkSizes: [undefined, 1024, 65_536],
  });
  // a 1k-series batch never reaches chunkSize: this row shows whether core also yields between batches
  const small = tickBatches(plan.small.series);
  rows.push(...(await delayByChunk({ pool: small, ticks: plan.small.ticks >> 2, chunkSizes: [undefined] })));
  for (const d of rows) d.chunkSize ??= 8192;
  return { idle, rows };
}

async function memory() {
  const rows = [];
  for (const n of plan.memory) {
    log(`memory, ${n} series`);
    rows.push({ series: n, registry: await internedLabels(n), pipeline: await pipelineState(n) });
  }
  return rows;
}

async function main() {
  const started = performance.now();
  const result = { date: new Date().toISOString(), commit: commit(), machine: machine(), plan };
  if (only.includes('throughput')) result.throughput = await throughput();
  if (only.includes('delay')) {
    const d = await delay();
    result.idle = d.idle;
    result.delay = d.rows;
  }
  if (only.includes('memory')) result.memory = await memory();
  if (only.includes('embed')) result.embed = await embedCost({ ...plan.embed, log });
  result.totalSeconds = (performance.now() - started) / 1000;
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(markdown(result));
  log(`done in ${result.totalSeconds.toFixed(1)} s; wrote bench/results/latest.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
