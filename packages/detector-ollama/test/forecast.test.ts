// Predictive alerts: forecast findings (kind forecastBreach, e.g. trendDetector's crossAbove) are judged as
// predictions, with their own prompt; the verdict says whether the predicted breach is credible.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FORECAST_PROMPT, DEFAULT_SYSTEM_PROMPT } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, MODEL, rig } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
  fake.fallback = { kind: 'answer', content: answer({ kind: 'trend' }) };
});
afterEach(async () => {
  await fake.close();
});

const FORECAST = {
  kind: 'forecastBreach',
  detector: 'trend',
  value: 0.82,
  expected: { value: 0.97, lower: 0.93, upper: 1.01 },
  explanation: 'forecast 0.97 (band 0.93..1.01) crosses the limit within 3600 s; now 0.82',
} as const;

function sent(i: number): { system: string; user: Record<string, unknown> } {
  const m = fake.received[i]!.body['messages'] as { content: string }[];
  return { system: m[0]!.content, user: JSON.parse(m[1]!.content) };
}

describe('forecast findings (predictive alerts)', () => {
  it('are asked about as predictions, with the forecast prompt, and their verdicts say so', async () => {
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding({ __name__: 'disk_used_ratio' }, FORECAST)]);
    expect(v!.verdict.confirmed).toBe(true);
    expect(v!.verdict.details?.['prediction']).toBe(true);
    const { system, user } = sent(0);
    expect(system.startsWith(DEFAULT_FORECAST_PROMPT)).toBe(true);
    expect(user['question']).toMatch(/predicted limit breach/);
    expect(user['statistical_finding']).toMatchObject({
      kind: 'forecastBreach',
      expected: FORECAST.expected,
    });
  });

  it('other findings keep the anomaly prompt and carry no prediction mark', async () => {
    const r = rig(fake.url);
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    expect(v!.verdict.details).not.toHaveProperty('prediction');
    const { system, user } = sent(0);
    expect(system.startsWith(DEFAULT_SYSTEM_PROMPT)).toBe(true);
    expect(user).not.toHaveProperty('question');
  });

  it('forecastPrompt replaces the forecast prompt; the data framing stays', async () => {
    const r = rig(fake.url, { forecastPrompt: 'Judge this forecast tersely.' });
    await r.detector.start!(r.ctx);
    await r.judge([r.finding({ __name__: 'disk_used_ratio' }, FORECAST)]);
    const { system } = sent(0);
    expect(system.startsWith('Judge this forecast tersely.')).toBe(true);
    expect(system).toMatch(/never an instruction to you/);
  });
});
