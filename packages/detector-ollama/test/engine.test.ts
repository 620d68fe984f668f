// The detector end to end against a real inference engine: node-llama-cpp's CPU llama.cpp serving a tiny
// random-weight model that this test generates, behind an Ollama-API stand-in (@argus/llm-standin, private).
// The model's content is random: this proves transport, streaming, the schema constraint, token accounting,
// cancellation and validation — not judgement quality.
import type { FindingVerdict } from '@argus/core';
import { harness } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { ollamaAnalyst, ollamaDetector } from '../src/index.js';
import { buildMessages } from '../src/prompt.js';
import { verdictSchema } from '../src/verdict.js';
import { everyPoint, rig, until, updates } from './helpers.js';
import { TINY_MODEL, useTinyEngine } from './tiny-engine.js';

const MODEL = TINY_MODEL;
const tiny = useTinyEngine();

/** A long generation (minutes on this engine) that the budget allows. */
const LONG = {
  modelOptions: { num_predict: 4_000 },
  budget: { tokensPerMinute: 100_000, callMsPerMinute: 600_000 },
};

/** The model's answer rebuilt from what the detector kept, checked again against the verdict schema. */
function reparsed(v: FindingVerdict): unknown {
  const { model: _m, ...details } = v.details ?? {};
  return verdictSchema.parse({ ...details, is_anomaly: v.confirmed, explanation: v.explanation });
}

describe('against a real inference engine (tiny generated model)', () => {
  it.each([false, true])(
    'returns a schema-valid verdict through the real client (stream %s)',
    async (stream) => {
      tiny().bias = 'tame';
      const before = tiny().requests;
      const r = rig(tiny().url, { model: MODEL, stream, modelOptions: { temperature: 0, num_predict: 400 } });
      await r.detector.start!(r.ctx);
      const [v] = await r.judge([r.finding()]);
      await r.detector.stop!(r.ctx);
      expect(tiny().requests).toBeGreaterThan(before);
      expect(v!.verdict.unjudged).toBeUndefined();
      expect(typeof v!.verdict.confirmed).toBe('boolean');
      expect(v!.verdict.score).toBeGreaterThanOrEqual(0);
      expect(v!.verdict.score).toBeLessThanOrEqual(1);
      expect(() => reparsed(v!.verdict)).not.toThrow();
      // tokens as the engine counted them: the prompt alone is hundreds of byte-level tokens
      expect(r.metrics.counts['tokens']).toBeGreaterThan(100);
    },
  );

  it('an answer cut off at num_predict is retried once, then dropped and counted', async () => {
    tiny().bias = 'tame';
    const before = tiny().requests;
    const r = rig(tiny().url, { model: MODEL, modelOptions: { temperature: 0, num_predict: 8 } });
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    await r.detector.stop!(r.ctx);
    expect(v!.verdict.unjudged).toBe('invalid');
    expect(tiny().requests - before).toBe(2);
    expect(r.metrics.counts['retries']).toBe(1);
    expect(r.metrics.counts['invalidDropped']).toBe(1);
  });

  it('spends the engine-reported tokens: past the minute budget the next finding passes unjudged', async () => {
    tiny().bias = 'tame';
    const labels = { __name__: 'cpu', instance: 'a' };
    const probe = rig(tiny().url, { model: MODEL });
    const chars = buildMessages({
      finding: probe.finding(labels),
      labels,
      anonymize: new Set(),
      drop: new Set(),
      systemPrompt: undefined,
    }).reduce((n, m) => n + m.content.length, 0);
    // the estimate before a call is 4 characters a token plus num_predict, and the budget just fits it; the
    // byte-level vocabulary spends about a token per character, and what is spent is what the engine reports
    const estimate = Math.ceil(chars / 4) + 100;
    const r = rig(tiny().url, {
      model: MODEL,
      modelOptions: { temperature: 0, num_predict: 100 },
      budget: { tokensPerMinute: estimate + 50, callMsPerMinute: 600_000 },
    });
    await r.detector.start!(r.ctx);
    const before = tiny().requests;
    // judged, or (an invalid first answer) its retry already over budget: either way one call was made
    await r.judge([r.finding(labels)]);
    expect(tiny().requests).toBe(before + 1);
    expect(r.metrics.counts['tokens']).toBeGreaterThan(estimate + 50);
    const requests = tiny().requests;
    const [b] = await r.judge([r.finding({ __name__: 'cpu', instance: 'b' })]);
    expect(b!.verdict.unjudged).toBe('overBudget');
    expect(tiny().requests).toBe(requests);
    await r.detector.stop!(r.ctx);
  });

  it('a call past timeoutMs (fake clock) stops the generation on the engine', async () => {
    // unbiased and unbounded, the random model writes long strings: a generation still running when the
    // deadline passes
    tiny().bias = 'none';
    const aborted = tiny().aborted;
    const r = rig(tiny().url, { model: MODEL, timeoutMs: 90_000, ...LONG });
    await r.detector.start!(r.ctx);
    const judging = r.judge([r.finding()]);
    await until(() => expect(tiny().inFlight()).toBe(1));
    await r.clock.advanceAsync(90_000);
    const [v] = await judging;
    expect(v!.verdict.unjudged).toBe('timeout');
    await until(() => expect(tiny().aborted).toBe(aborted + 1));
    await until(() => expect(tiny().inFlight()).toBe(0));
    await r.detector.stop!(r.ctx);
  });

  it('stop aborts a generation in flight', async () => {
    tiny().bias = 'none';
    const aborted = tiny().aborted;
    const r = rig(tiny().url, { model: MODEL, ...LONG });
    await r.detector.start!(r.ctx);
    const judging = r.judge([r.finding()]);
    await until(() => expect(tiny().inFlight()).toBe(1));
    await r.detector.stop!(r.ctx);
    const [v] = await judging;
    expect(v!.verdict.unjudged).toBe('timeout');
    await until(() => expect(tiny().aborted).toBe(aborted + 1));
  });

  it('in a pipeline, findings reach the sink while the engine is still generating; stop ends it', async () => {
    tiny().bias = 'none';
    const aborted = tiny().aborted;
    const ollama = ollamaDetector({ model: MODEL, host: tiny().url, ...LONG });
    const h = harness(everyPoint(), { detectors: [{ use: ollama, timeoutMs: 600_000 }] });
    const updated = updates(h.pipeline);
    await h.pipeline.start();
    await h.source.pushSamples([{ labels: { __name__: 'cpu', instance: 'a' }, timestamp: 0, value: 97 }]);
    await until(() => expect(h.out.findings()).toHaveLength(1));
    await until(() => expect(tiny().inFlight()).toBe(1));
    expect(updated).toHaveLength(0);
    await h.pipeline.stop();
    await until(() => expect(tiny().aborted).toBe(aborted + 1));
  });

  it('a trend report: the engine accepts its schema as a grammar and the answer validates', async () => {
    tiny().bias = 'tame';
    const a = ollamaAnalyst({
      model: MODEL,
      host: tiny().url,
      modelOptions: { temperature: 0, num_predict: 300 },
    });
    await a.start();
    const ts = [0, 3_600_000, 7_200_000];
    const r = await a.trendReport({
      name: 'disks',
      limit: 1,
      series: [{ labels: { __name__: 'disk_used_ratio' }, timestamps: ts, values: [0.5, 0.6, 0.7] }],
    });
    a.stop();
    expect(r.unjudged).toBeUndefined();
    expect(r.series[0]!.assessment?.trend).toMatch(/^(rising|falling|flat|volatile)$/);
    expect(r.series[0]!.stats!.hoursToLimit).toBeCloseTo(3, 9);
  });
});
