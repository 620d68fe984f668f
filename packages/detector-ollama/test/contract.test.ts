// @argus/testkit's detector contract, against the local Ollama stand-in (it lists the model, so start succeeds).
import { testDetector } from '@argus/testkit';
import { afterAll } from 'vitest';
import { ollamaDetector } from '../src/index.js';
import { startFakeOllama } from './fake-ollama.js';
import { answer, MODEL } from './helpers.js';

const fake = await startFakeOllama([MODEL]);
fake.fallback = { kind: 'answer', content: answer() };
afterAll(() => fake.close());

testDetector(() => ollamaDetector({ model: MODEL, host: fake.url }), {
  title: 'ollamaDetector',
  capabilities: { judge: true, healthcheck: true },
  // it judges other detectors' findings and reports none of its own
  expectFindings: false,
  badOptions: () => ollamaDetector({ model: MODEL, budget: { tokensPerMinute: -1 } }),
});
