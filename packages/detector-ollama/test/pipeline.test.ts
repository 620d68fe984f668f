import { harness } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ollamaDetector } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, everyPoint, MODEL, until, updates } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  await fake.close();
});

const T = Date.UTC(2026, 11, 7);

describe('in a pipeline', () => {
  it('findings reach the sink while the model has not answered; verdicts follow as updates', async () => {
    fake.fallback = { kind: 'hang' };
    // two calls in flight (the runner's and the plugin's concurrency), so the second finding is not queued
    // behind the first
    const ollama = ollamaDetector({ model: MODEL, host: fake.url, concurrency: 2 });
    const h = harness(everyPoint(), { detectors: [{ use: ollama, concurrency: 2 }] });
    const updated = updates(h.pipeline);
    await h.pipeline.start();
    await h.source.pushSamples([{ labels: { __name__: 'cpu', instance: 'a' }, timestamp: T, value: 97 }]);
    // the model has not answered, and the finding is already delivered
    await until(() => expect(h.out.findings()).toHaveLength(1));
    await until(() => expect(fake.hanging()).toBe(1));
    expect(updated).toHaveLength(0);

    fake.fallback = { kind: 'answer', content: answer() };
    await h.source.pushSamples([
      { labels: { __name__: 'cpu', instance: 'b' }, timestamp: T + 1_000, value: 98 },
    ]);
    await until(() => expect(updated).toHaveLength(1));
    fake.dropHanging(); // the server dies under the first call: its finding passes through unjudged
    await until(() => expect(updated).toHaveLength(2));
    await h.pipeline.stop();
    const byInstance = new Map(
      updated.map((f) => [h.pipeline.series.labels(f.series)['instance'], f.verdicts?.at(-1)] as const),
    );
    expect(byInstance.get('a')?.unjudged).toBe('failed');
    expect(byInstance.get('b')?.confirmed).toBe(true);
  });
});
