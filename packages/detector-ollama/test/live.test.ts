// Opt-in: against a real Ollama server. Run with OLLAMA_HOST=http://127.0.0.1:11434 OLLAMA_LIVE_MODEL=qwen2.5:3b
// (the model must be pulled). It checks transport, structured output and validation end to end, not judgement
// quality. Without both variables it is skipped: no server or model can be fetched on CI machines.
import { describe, expect, it } from 'vitest';
import { rig } from './helpers.js';

const host = process.env['OLLAMA_HOST'];
const model = process.env['OLLAMA_LIVE_MODEL'];

describe.skipIf(!host || !model)('live Ollama (OLLAMA_HOST + OLLAMA_LIVE_MODEL)', () => {
  it('judges a finding with a validated verdict', { timeout: 600_000 }, async () => {
    // a real clock: the first call may load the model for minutes
    const r = rig(host!, { model: model!, timeoutMs: 540_000 }, { realClock: true });
    await r.detector.start!(r.ctx);
    const [v] = await r.judge([r.finding()]);
    await r.detector.stop!(r.ctx);
    // a model may still answer invalidly twice; anything else is a failure of the wiring
    expect(v!.verdict.unjudged ?? 'judged').toMatch(/^(judged|invalid)$/);
    if (!v!.verdict.unjudged) expect(v!.verdict.details!['hypotheses']).toBeInstanceOf(Array);
  });
});
