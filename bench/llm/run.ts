// pnpm bench:llm — latency, throughput and tokens per verdict of the Ollama detector's judge, bounded.
// Against OLLAMA_HOST + OLLAMA_MODEL when both are set (any real model); otherwise against the tiny generated
// model behind the stand-in, which proves the harness end to end and measures the plugin's overhead plus
// a small engine — never judgement quality (its answers are random).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeriesRegistry, type Finding, newFindingId, type PluginContext } from '@argus/core';
import { ollamaDetector } from '@argus/detector-ollama';
import { startOllamaStandin, writeTinyModel } from '@argus/llm-standin';
import { testContext } from '@argus/testkit';

const N = Number(process.env.ARGUS_LLM_FINDINGS ?? 12);
const live = process.env.OLLAMA_HOST && process.env.OLLAMA_MODEL;
const dir = mkdtempSync(join(tmpdir(), 'argus-bench-llm-'));
const engine = live
  ? undefined
  : await startOllamaStandin({ modelPath: writeTinyModel(join(dir, 'tiny.gguf')) });
const host = live ? process.env.OLLAMA_HOST! : engine!.url;
const model = live ? process.env.OLLAMA_MODEL! : engine!.model;

const counts: Record<string, number> = {};
const series = createSeriesRegistry();
const ctx: PluginContext = {
  ...testContext({ series }),
  metrics: { count: (k, v = 1) => void (counts[k] = (counts[k] ?? 0) + v), gauge() {}, observe() {} },
};

function finding(i: number): Finding {
  return {
    id: newFindingId(),
    series: series.intern({ __name__: 'cpu_percent', instance: `node-${i}` }),
    timestamp: Date.UTC(2026, 11, 7, 8) + i * 60_000,
    value: 90 + i,
    score: 0.8,
    kind: 'spike',
    expected: { value: 40, lower: 30, upper: 50 },
    detector: 'robust-z',
    explanation: `value ${90 + i} is ${(6 + i / 10).toFixed(1)} MADs above the median 40`,
  };
}

// latency of one judge() call, queueing behind the plugin's concurrency included
const q = (xs: number[], p: number): number =>
  xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const results: Record<string, unknown>[] = [];
for (const concurrency of [1, 2]) {
  const d = ollamaDetector({
    model,
    host,
    concurrency,
    timeoutMs: 600_000,
    cacheMaxEntries: 0,
    budget: { tokensPerMinute: 10_000_000, callMsPerMinute: 100_000_000 },
  });
  await d.start!(ctx);
  for (const k of Object.keys(counts)) delete counts[k];
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const t = performance.now();
      await d.judge!([finding(i)], ctx);
      lat.push(performance.now() - t);
    }),
  );
  const wall = performance.now() - t0;
  await d.stop!(ctx);
  results.push({
    concurrency,
    findings: N,
    judged: counts['judged'] ?? 0,
    unjudged: counts['unjudged'] ?? 0,
    'p50 ms': Math.round(q(lat, 0.5)),
    'p95 ms': Math.round(q(lat, 0.95)),
    'verdicts/s': Number(((N * 1000) / wall).toFixed(2)),
    'tokens/verdict': Math.round((counts['tokens'] ?? 0) / N),
  });
}
console.log(
  `model: ${model} at ${host}${live ? '' : ' (tiny generated model, node-llama-cpp CPU, threads 1)'}`,
);
console.table(results);
console.log(
  'No quality figure: precision/recall of verdicts on labelled NAB windows is not measured by this harness yet.',
);
await engine?.close();
rmSync(dir, { recursive: true, force: true });
