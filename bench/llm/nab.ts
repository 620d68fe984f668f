// pnpm bench:llm:nab — precision and recall of the statistical ensemble alone versus the ensemble plus the Ollama
// detector's verdicts, on labelled cases from a small NAB subset: the ensemble's best point in each labelled anomaly
// window (flagged or missed), its alarms outside every window (its false positives) and normal points. Against
// OLLAMA_HOST + OLLAMA_MODEL when both are set; otherwise against the tiny random-weight model behind the stand-in,
// which only proves the harness runs (its verdicts are random: no quality figure). Needs ../shared/datasets/nab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeriesRegistry, type Finding, newFindingId, type PluginContext } from '@argus/core';
import { ollamaDetector } from '@argus/detector-ollama';
import { startOllamaStandin, writeTinyModel } from '@argus/llm-standin';
import { testContext } from '@argus/testkit';
// the benchmark reads the built ensemble and the NAB loader as bench:nab does
import { createEnsembleModel } from '../../packages/detectors/dist/index.js';
import { loadCorpus } from '../nab/corpus.mjs';

const FILES = (
  process.env.ARGUS_LLM_NAB_FILES ??
  'realKnownCause/machine_temperature_system_failure.csv,realKnownCause/nyc_taxi.csv,realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv'
).split(',');
const THRESHOLD = Number(process.env.ARGUS_LLM_NAB_THRESHOLD ?? 0.5);
const PER_KIND = Number(process.env.ARGUS_LLM_NAB_CASES ?? 6);
/** Alarms closer than this many points to the previous one are the same alarm. */
const COOLDOWN = 50;

type Kind = 'anomaly' | 'ensembleFP' | 'normal';
interface Case {
  kind: Kind;
  file: string;
  finding: Finding;
  flagged: boolean;
}

const series = createSeriesRegistry();
const counts: Record<string, number> = {};
const ctx: PluginContext = {
  ...testContext({ series }),
  metrics: { count: (k, v = 1) => void (counts[k] = (counts[k] ?? 0) + v), gauge() {}, observe() {} },
};

/** Labelled cases of one file, at most PER_KIND of each kind, from the ensemble's scores. */
function casesOf(f: {
  key: string;
  times: Float64Array;
  values: Float64Array;
  windows: [number, number][];
}): Case[] {
  const model = createEnsembleModel();
  const n = f.values.length;
  const outs: { score: number; expected: number; lower: number; upper: number; kind: string }[] = [];
  const out = { score: 0, z: 0, expected: 0, lower: 0, upper: 0, kind: 'spike' };
  for (let i = 0; i < n; i++) {
    model.update(0, f.times[i]!, f.values[i]!, out);
    outs.push({ ...out });
  }
  const inWindow = (i: number) => f.windows.some(([l, r]) => i >= l && i <= r);
  const id = series.intern({ __name__: 'nab', file: f.key });
  const finding = (i: number): Finding => ({
    id: newFindingId(),
    series: id,
    timestamp: f.times[i]!,
    value: f.values[i]!,
    score: Math.min(1, Math.max(0, outs[i]!.score)),
    kind: (outs[i]!.kind as Finding['kind']) ?? 'spike',
    expected: { value: outs[i]!.expected, lower: outs[i]!.lower, upper: outs[i]!.upper },
    detector: 'ensemble',
    explanation: `ensemble score ${outs[i]!.score.toFixed(2)}; expected ${outs[i]!.expected.toFixed(2)} in ${outs[i]!.lower.toFixed(2)}..${outs[i]!.upper.toFixed(2)}`,
  });
  const cases: Case[] = [];
  for (const [l, r] of f.windows.slice(0, PER_KIND)) {
    let best = l;
    for (let i = l; i <= r; i++) if (outs[i]!.score > outs[best]!.score) best = i;
    cases.push({
      kind: 'anomaly',
      file: f.key,
      finding: finding(best),
      flagged: outs[best]!.score >= THRESHOLD,
    });
  }
  let last = -COOLDOWN;
  let fps = 0;
  for (let i = 0; i < n && fps < PER_KIND; i++) {
    if (outs[i]!.score < THRESHOLD || inWindow(i)) continue;
    if (i - last >= COOLDOWN) {
      cases.push({ kind: 'ensembleFP', file: f.key, finding: finding(i), flagged: true });
      fps++;
    }
    last = i;
  }
  // normal points: evenly spaced, outside windows, not flagged
  for (let k = 1, got = 0; k < n && got < PER_KIND; k += Math.floor(n / (PER_KIND + 2))) {
    if (inWindow(k) || outs[k]!.score >= THRESHOLD) continue;
    cases.push({ kind: 'normal', file: f.key, finding: finding(k), flagged: false });
    got++;
  }
  return cases;
}

const live = process.env.OLLAMA_HOST && process.env.OLLAMA_MODEL;
const dir = mkdtempSync(join(tmpdir(), 'argus-bench-nab-'));
const engine = live
  ? undefined
  : await startOllamaStandin({ modelPath: writeTinyModel(join(dir, 'tiny.gguf')) });
const host = live ? process.env.OLLAMA_HOST! : engine!.url;
const model = live ? process.env.OLLAMA_MODEL! : engine!.model;

const corpus = loadCorpus().filter((f: { key: string }) => FILES.includes(f.key));
const cases = corpus.flatMap(casesOf);
const detector = ollamaDetector({
  model,
  host,
  timeoutMs: 600_000,
  minScore: 0,
  cacheMaxEntries: 0,
  budget: { tokensPerMinute: 10_000_000, callMsPerMinute: 100_000_000 },
});
await detector.start!(ctx);
const latencies: number[] = [];
const verdicts = [];
for (const c of cases) {
  const t = performance.now();
  const [v] = await detector.judge!([c.finding], ctx);
  latencies.push(performance.now() - t);
  verdicts.push(v!.verdict);
}
await detector.stop!(ctx);

/** Precision and recall of `predict` over the cases (labelled positive: inside a NAB window). */
function pr(predict: (c: Case, i: number) => boolean) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  cases.forEach((c, i) => {
    const p = predict(c, i);
    if (p && c.kind === 'anomaly') tp++;
    else if (p) fp++;
    else if (c.kind === 'anomaly') fn++;
  });
  const f2 = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(2)) : 'n/a');
  return { tp, fp, fn, precision: f2(tp / (tp + fp)), recall: f2(tp / (tp + fn)) };
}
const byKind = (k: Kind) => cases.filter((c) => c.kind === k).length;
const confirmed = (i: number) => verdicts[i]!.confirmed === true;
const unjudged = (i: number) => verdicts[i]!.unjudged !== undefined;
latencies.sort((a, b) => a - b);

console.log(
  `model: ${model} at ${host}${live ? '' : ' (tiny generated model: random verdicts, NOT a quality figure)'}`,
);
console.log(
  `files: ${FILES.join(', ')}; ensemble threshold ${THRESHOLD}; cases: ${byKind('anomaly')} anomaly windows, ${byKind('ensembleFP')} ensemble false positives, ${byKind('normal')} normal points`,
);
console.table({
  'ensemble alone': pr((c) => c.flagged),
  // the pipeline asks the model about the ensemble's candidates only; an unanswered one keeps the ensemble's call
  'ensemble + model (confirmOrUnavailable)': pr((c, i) => c.flagged && (confirmed(i) || unjudged(i))),
  'model alone (every case asked)': pr((_, i) => confirmed(i)),
});
console.log(
  `verdicts: ${cases.length - verdicts.filter((v) => v.unjudged).length} judged, ${verdicts.filter((v) => v.unjudged).length} unjudged; latency p50 ${Math.round(latencies[latencies.length >> 1] ?? 0)} ms, max ${Math.round(latencies.at(-1) ?? 0)} ms; ${Math.round((counts['tokens'] ?? 0) / Math.max(1, cases.length))} tokens per verdict`,
);
await engine?.close();
rmSync(dir, { recursive: true, force: true });
