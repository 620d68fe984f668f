// Triage with a local model: the statistical detector scores every point; the Ollama detector gives a second
// opinion on its findings, off the hot path. Without a reachable Ollama (or without the model) it says what is
// missing and runs the statistical part alone.
import { createPipeline, type Finding, MetricBatchBuilder, type Source } from '@argus/core';
import { ollamaDetector } from '@argus/detector-ollama';
import { robustZDetector } from '@argus/detectors';

/** What the run found: the statistical findings and the verdicts that came back for them. */
export interface Triage {
  readonly model: 'used' | 'noServer' | 'noModel';
  readonly findings: Finding[];
  readonly judged: Finding[];
}

/** Whether `host` answers and lists `model` (a name without a tag means `:latest`). */
export async function checkOllama(host: string, model: string): Promise<Triage['model']> {
  try {
    const r = await fetch(new URL('/api/tags', host), { signal: AbortSignal.timeout(3_000) });
    const { models } = (await r.json()) as { models: { name: string }[] };
    const want = model.includes(':') ? model : `${model}:latest`;
    return models.some((m) => m.name === model || m.name === want) ? 'used' : 'noModel';
  } catch {
    return 'noServer';
  }
}

/** Two CPU series, one sample per poll, 15 s apart in data time; web-2 spikes at sample 60. */
function cpu(): Source & { polled(): number } {
  let i = 0;
  const t0 = Date.UTC(2026, 11, 7, 8);
  return {
    kind: 'source',
    name: 'cpu',
    apiVersion: 1,
    defaultIntervalMs: 20,
    polled: () => i,
    poll(ctx) {
      const b = new MetricBatchBuilder();
      const t = t0 + i * 15_000;
      for (const host of ['web-1', 'web-2']) {
        const v = 40 + 5 * Math.sin(i / 5) + (host === 'web-2' && i === 60 ? 55 : 0);
        b.pushLabels(ctx.series, { __name__: 'cpu_percent', instance: host }, t, v);
      }
      i++;
      return b.build();
    },
  };
}

/** Runs 80 samples, then waits up to `waitMs` for verdicts. */
export async function runTriage(
  host: string,
  model: string,
  log = console.log,
  waitMs = 300_000,
): Promise<Triage> {
  const state = await checkOllama(host, model);
  if (state === 'noServer')
    log(
      `No Ollama answers at ${host}. Install it (https://ollama.com), run \`ollama serve\`, set OLLAMA_HOST if it is elsewhere. Running the statistical part only.`,
    );
  if (state === 'noModel')
    log(`Ollama at ${host} lacks ${model}: run \`ollama pull ${model}\`. Running the statistical part only.`);
  const detectors = [
    robustZDetector({ warmupSamples: 30 }),
    ...(state === 'used'
      ? [{ use: ollamaDetector({ model, host, anonymizeLabels: ['instance'] }), timeoutMs: waitMs }]
      : []),
  ];
  const source = cpu();
  const pipeline = createPipeline({ sources: [source], detectors });
  const out: Triage = { model: state, findings: [], judged: [] };
  pipeline.on('finding', (f) => {
    out.findings.push(f);
    log(`finding: ${f.kind} score ${f.score.toFixed(2)} — ${f.explanation}`);
  });
  pipeline.on('findingUpdated', (f) => {
    out.judged.push(f);
    const v = f.verdicts?.at(-1);
    log(v?.unjudged ? `unjudged (${v.unjudged})` : `verdict: confirmed=${v?.confirmed} — ${v?.explanation}`);
  });
  await pipeline.start();
  while (source.polled() < 80) await new Promise((r) => setTimeout(r, 50));
  const until = Date.now() + waitMs;
  while (state === 'used' && out.judged.length < out.findings.length && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  await pipeline.stop();
  return out;
}
