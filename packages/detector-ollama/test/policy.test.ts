import { harness } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ollamaDetector, type VerdictPolicy } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, everyPoint, MODEL, rig, until, updates } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  await fake.close();
});

const CONFIRM = answer({ is_anomaly: true, confidence: 0.9 });
const DISMISS = answer({ is_anomaly: false, confidence: 0.8 });

describe('verdict policy: what a verdict does to the score alert rules read', () => {
  it.each([
    ['revise', 'confirmation', 0.9],
    ['revise', 'dismissal', 0.2],
    ['enrich', 'confirmation', undefined],
    ['enrich', 'dismissal', undefined],
    ['confirmOrUnavailable', 'confirmation', undefined],
    ['confirmOrUnavailable', 'dismissal', 0],
  ] as const)('%s: a %s sets the score to %s (undefined: unchanged)', async (policy, said, score) => {
    const content = said === 'confirmation' ? CONFIRM : DISMISS;
    fake.script.push({ kind: 'answer', content });
    const r = rig(fake.url, { policy: policy as VerdictPolicy });
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    await r.detector.stop!(r.ctx);
    expect(v!.verdict.confirmed).toBe(content === CONFIRM);
    if (score === undefined) expect(v!.verdict).not.toHaveProperty('score');
    else expect(v!.verdict.score).toBeCloseTo(score, 10);
  });

  it('confirmOrUnavailable keeps the score of a finding the model could not judge', async () => {
    fake.script.push({ kind: 'status', status: 503, error: 'server busy' });
    const r = rig(fake.url, { policy: 'confirmOrUnavailable' });
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.unjudged).toBe('failed');
    expect(v!.verdict).not.toHaveProperty('score');
  });

  it('in a pipeline, a dismissal under confirmOrUnavailable suppresses the finding (score 0)', async () => {
    fake.fallback = { kind: 'answer', content: DISMISS };
    const ollama = ollamaDetector({ model: MODEL, host: fake.url, policy: 'confirmOrUnavailable' });
    const h = harness(everyPoint(), { detectors: [{ use: ollama }] });
    const updated = updates(h.pipeline);
    await h.pipeline.start();
    await h.source.pushSamples([{ labels: { __name__: 'cpu', instance: 'a' }, timestamp: 0, value: 97 }]);
    await until(() => expect(updated).toHaveLength(1));
    await h.pipeline.stop();
    expect(h.out.findings()[0]!.score).toBe(0.8);
    expect(updated[0]!.score).toBe(0);
    expect(updated[0]!.verdicts?.at(-1)?.confirmed).toBe(false);
  });

  it('rejects an unknown policy naming the field', () => {
    expect(() => ollamaDetector({ model: MODEL, policy: 'always' as VerdictPolicy })).toThrow(/policy/);
  });
});
