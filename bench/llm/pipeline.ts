// pnpm bench:llm:pipeline — the pipeline never waits on the model: throughput and event-loop delay of the same
// workload with the model off and with an Ollama detector whose server takes ARGUS_LLM_DELAY_MS (default 10 s)
// per answer. The slow server is a local stand-in speaking the Ollama API (a valid verdict after the delay); it
// holds requests on a timer, so it costs the measured process nothing but a few sockets. Runs alternate, each in a
// fresh process (off, on, off, on, …), because a shared 2-core machine is noisy: compare medians, as ratios.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Detector, newFindingId } from '@argus/core';
import { ollamaDetector } from '@argus/detector-ollama';
import { harness } from '@argus/testkit';

const DELAY_MS = Number(process.env.ARGUS_LLM_DELAY_MS ?? 10_000);
const SERIES = Number(process.env.ARGUS_LLM_SERIES ?? 1_000);
const BATCHES = Number(process.env.ARGUS_LLM_BATCHES ?? 200);
const RUNS = Number(process.env.ARGUS_LLM_RUNS ?? 3);
// unmeasured batches first, in both modes: the first model calls (fetch, the client, the HTTP stack) compile
// code once, a cost the short measured window would otherwise charge to the model path
const WARMUP = Number(process.env.ARGUS_LLM_WARMUP ?? 50);
const MODEL = 'slow-standin';
// the judge runner's queue bound (core's default: 1,000); past it the oldest candidate is dropped and counted
const MAX_QUEUE = process.env.ARGUS_LLM_MAX_QUEUE ? Number(process.env.ARGUS_LLM_MAX_QUEUE) : undefined;

/** A valid verdict, as a model would fill the detector's schema. */
const VERDICT = JSON.stringify({
  is_anomaly: true,
  confidence: 0.7,
  kind: 'spike',
  severity: 'warning',
  explanation: 'far above the usual band',
  hypotheses: [
    { cause: 'load', evidence: ['value above the band'] },
    { cause: 'a deploy', evidence: ['started at the same time'] },
  ],
});

/** An Ollama-API server that answers every chat after `delayMs`. */
async function slowOllama(delayMs: number) {
  let chats = 0;
  const server = createServer((req, res) => {
    if (req.url === '/api/tags')
      return void res.end(JSON.stringify({ models: [{ name: MODEL, model: MODEL }] }));
    chats++;
    req.resume();
    const t = setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          model: MODEL,
          message: { role: 'assistant', content: VERDICT },
          done: true,
          eval_count: 80,
        }),
      );
    }, delayMs);
    res.on('close', () => clearTimeout(t));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    chats: () => chats,
    close: () => {
      server.closeAllConnections();
      return new Promise((ok) => server.close(ok));
    },
  };
}

/** The statistical stage's stand-in: flags one point in a hundred as a candidate (score 0.9). */
function everyHundredth(): Detector {
  let n = 0;
  return {
    kind: 'detector',
    name: 'flagger',
    apiVersion: 1,
    detect(batch) {
      const out = [];
      for (let i = 0; i < batch.length; i++) {
        if (++n % 100 !== 0) continue;
        const value = batch.values[i]!;
        const base = { id: newFindingId(), series: batch.series[i]!, timestamp: batch.timestamps[i]!, value };
        out.push({ ...base, score: 0.9, kind: 'spike' as const, detector: 'flagger', explanation: 'bench' });
      }
      return out;
    },
  } as Detector;
}

async function worker(mode: 'off' | 'on'): Promise<void> {
  const server = mode === 'on' ? await slowOllama(DELAY_MS) : undefined;
  const detectors = server
    ? [
        {
          use: ollamaDetector({ model: MODEL, host: server.url, timeoutMs: 600_000, concurrency: 4 }),
          timeoutMs: 600_000,
          ...(MAX_QUEUE === undefined ? {} : { maxQueue: MAX_QUEUE }),
        },
      ]
    : [];
  const h = harness(everyHundredth(), { detectors });
  await h.pipeline.start();
  const T0 = Date.UTC(2026, 11, 7);
  const rows = (b: number) =>
    Array.from({ length: SERIES }, (_, s) => ({
      labels: { __name__: 'cpu', instance: `node-${s}` },
      timestamp: T0 + b * 15_000,
      value: 40 + ((s * 7 + b) % 13),
    }));
  for (let b = -WARMUP; b < 0; b++) await h.source.pushSamples(rows(b));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < BATCHES; b++) await h.source.pushSamples(rows(b));
  const ms = performance.now() - t0;
  // CPU time is far less sensitive than wall time to other processes on a shared machine
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const chats = server?.chats() ?? 0;
  await h.pipeline.stop();
  await server?.close();
  const p = (q: number) => Number((loop.percentile(q) / 1e6).toFixed(1));
  const result = {
    mode,
    samples: SERIES * BATCHES,
    'samples/s': Math.round((SERIES * BATCHES * 1000) / ms),
    'cpu µs/sample': Number(((cpu.user + cpu.system) / (SERIES * BATCHES)).toFixed(2)),
    'loop p50 ms': p(50),
    'loop p99 ms': p(99),
    'loop max ms': Number((loop.max / 1e6).toFixed(1)),
    'model calls': chats,
  };
  console.log(JSON.stringify(result));
}

function orchestrate(): void {
  const self = fileURLToPath(import.meta.url);
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < RUNS; r++)
    for (const mode of ['off', 'on']) {
      const out = execFileSync('jiti', [self, mode], { encoding: 'utf8', env: process.env });
      rows.push(JSON.parse(out.trim().split('\n').at(-1)!));
    }
  console.log(`${SERIES} series × ${BATCHES} batches per run, model answering in ${DELAY_MS} ms when on`);
  console.table(rows);
  const med = (mode: string, k: string) => {
    const xs = rows
      .filter((x) => x['mode'] === mode)
      .map((x) => x[k] as number)
      .sort((a, b) => a - b);
    return xs[xs.length >> 1]!;
  };
  for (const k of ['samples/s', 'cpu µs/sample', 'loop p99 ms', 'loop max ms'])
    console.log(
      `median ${k}: off ${med('off', k)}, on ${med('on', k)} (on/off ${(med('on', k) / med('off', k)).toFixed(2)})`,
    );
}

const mode = process.argv[2];
if (mode === 'off' || mode === 'on') await worker(mode);
else orchestrate();
