import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ollamaDetector } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, MODEL, rig, until } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  await fake.close();
});

describe('start', () => {
  it('reads OLLAMA_HOST when no host option is given (the npm client does not)', async () => {
    vi.stubEnv('OLLAMA_HOST', fake.url);
    try {
      const d = ollamaDetector({ model: MODEL });
      const r = rig(fake.url);
      await d.start!(r.ctx);
      expect((await d.healthcheck!(r.ctx)).status).toBe('ok');
      await d.stop!(r.ctx);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses to start when the server answers without the model, naming it and the pull command', async () => {
    fake.models = ['llama3.2:3b'];
    const r = rig(fake.url);
    const err = (await Promise.resolve(r.detector.start!(r.ctx)).catch((e: unknown) => e)) as {
      code?: string;
      message: string;
    };
    expect(err.code).toBe('ERR_PLUGIN_START');
    expect(err.message).toContain(`'${MODEL}'`);
    expect(err.message).toContain(`ollama pull ${MODEL}`);
    expect(err.message).toContain('llama3.2:3b');
  });

  it('accepts a model named without its tag when the server lists it as :latest', async () => {
    fake.models = ['mistral:latest'];
    const r = rig(fake.url, { model: 'mistral' });
    await r.detector.start!(r.ctx);
    expect((await r.detector.healthcheck!(r.ctx)).status).toBe('ok');
  });

  it('runs degraded when the server does not answer, then judges once a background retry reaches it', async () => {
    fake.down = true;
    fake.script.push({ kind: 'answer', content: answer() });
    const r = rig(fake.url, { probeIntervalMs: 10_000 });
    await r.detector.start!(r.ctx);
    expect((await r.detector.healthcheck!(r.ctx)).status).toBe('degraded');
    const [v1] = await r.judge([r.finding()]);
    expect(v1!.verdict.unjudged).toBe('unavailable');
    expect(r.metrics.counts['unjudged']).toBe(1);
    expect(fake.received).toHaveLength(0);

    fake.down = false;
    await r.clock.advanceAsync(10_000);
    await until(async () => expect((await r.detector.healthcheck!(r.ctx)).status).toBe('ok'));
    const [v2] = await r.judge([r.finding({ __name__: 'cpu', instance: 'node-2' })]);
    expect(v2!.verdict.confirmed).toBe(true);
    await r.detector.stop!(r.ctx);
  });
});

describe('judge', () => {
  it.each([false, true])(
    'sends a JSON-schema format and returns a validated verdict (stream %s)',
    async (stream) => {
      fake.script.push({ kind: 'answer', content: answer() });
      const r = rig(fake.url, { stream });
      await r.detector.start!(r.ctx);
      const f = r.finding();
      const out = await r.judge([f]);
      expect(out).toEqual([
        {
          findingId: f.id,
          verdict: {
            detector: 'ollama',
            at: r.clock.now(),
            confirmed: true,
            score: 0.9,
            explanation: 'CPU jumped far above its usual band.',
            details: {
              model: MODEL,
              confidence: 0.9,
              kind: 'spike',
              severity: 'critical',
              hypotheses: JSON.parse(answer()).hypotheses,
            },
          },
        },
      ]);
      const body = fake.received[0]!.body;
      expect(body['model']).toBe(MODEL);
      expect(body['stream']).toBe(stream);
      const format = body['format'] as { type: string; required: string[]; $schema?: string };
      expect(format.type).toBe('object');
      expect(format.required).toEqual(
        expect.arrayContaining(['is_anomaly', 'confidence', 'kind', 'severity', 'explanation', 'hypotheses']),
      );
      expect(format.$schema).toBeUndefined();
      expect(r.metrics.counts['judged']).toBe(1);
      await r.detector.stop!(r.ctx);
    },
  );

  it('a dismissal lowers the score: not an anomaly with confidence 0.8 gives score 0.2', async () => {
    fake.script.push({ kind: 'answer', content: answer({ is_anomaly: false, confidence: 0.8 }) });
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.confirmed).toBe(false);
    expect(v!.verdict.score).toBeCloseTo(0.2, 10);
  });

  it('retries malformed JSON once, telling the model what was wrong', async () => {
    fake.script.push(
      { kind: 'answer', content: '{"is_anomaly": tru' },
      { kind: 'answer', content: answer() },
    );
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.confirmed).toBe(true);
    expect(fake.received).toHaveLength(2);
    const retry = fake.received[1]!.body['messages'] as { role: string; content: string }[];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: '{"is_anomaly": tru' });
    expect(retry.at(-1)!.content).toMatch(/not valid JSON/);
    expect(r.metrics.counts['retries']).toBe(1);
  });

  it('drops and counts an answer that violates the schema twice (confidence 4.8e15)', async () => {
    const bad = answer({ confidence: 4.8e15 });
    fake.script.push({ kind: 'answer', content: bad }, { kind: 'answer', content: bad });
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict).toEqual({ detector: 'ollama', at: r.clock.now(), unjudged: 'invalid' });
    expect(fake.received).toHaveLength(2);
    const retry = fake.received[1]!.body['messages'] as { content: string }[];
    expect(retry.at(-1)!.content).toMatch(/confidence/);
    expect(r.metrics.counts['invalidDropped']).toBe(1);
    expect(r.metrics.counts['unjudged.invalid']).toBe(1);
  });

  it('rejects an answer that echoes the schema instead of filling it', async () => {
    const echo = JSON.stringify({ type: 'object', properties: { is_anomaly: { type: 'boolean' } } });
    fake.script.push({ kind: 'answer', content: echo }, { kind: 'answer', content: echo });
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.unjudged).toBe('invalid');
  });

  it('treats a stream that ends without its done line as an incomplete answer and retries', async () => {
    fake.script.push({ kind: 'truncate', content: answer() }, { kind: 'answer', content: answer() });
    const r = rig(fake.url, { stream: true });
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.confirmed).toBe(true);
    const retry = fake.received[1]!.body['messages'] as { content: string }[];
    expect(retry.at(-1)!.content).toMatch(/cut off/);
  });

  it.each([
    ['a server that dies mid-stream', { kind: 'die', content: answer() } as const, true],
    ['an error line mid-stream', { kind: 'midError', error: 'runner crashed' } as const, true],
    [
      '404 model not found',
      { kind: 'status', status: 404, error: `model '${MODEL}' not found` } as const,
      false,
    ],
    ['503 busy', { kind: 'status', status: 503, error: 'server busy, please try again.' } as const, false],
  ])('passes the finding through unjudged on %s', async (_name, script, stream) => {
    fake.script.push(script);
    const r = rig(fake.url, { stream });
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.unjudged).toBe('failed');
    expect(r.metrics.counts['unjudged.failed']).toBe(1);
  });

  it('gives up on a slow answer at timeoutMs (fake clock) and closes the request', async () => {
    fake.script.push({ kind: 'hang' });
    const r = rig(fake.url, { timeoutMs: 90_000 });
    await r.detector.start!(r.ctx);
    const judging = r.judge([r.finding()]);
    await until(() => expect(fake.hanging()).toBe(1));
    await r.clock.advanceAsync(89_999);
    expect(fake.hanging()).toBe(1);
    await r.clock.advanceAsync(1);
    const [v] = await judging;
    expect(v!.verdict.unjudged).toBe('timeout');
    await until(() => expect(fake.hanging()).toBe(0));
  });
});
