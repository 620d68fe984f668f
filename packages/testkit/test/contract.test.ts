import { expect, it } from 'vitest';
import {
  manualSource,
  memorySink,
  slowSink,
  T0_FOR_TESTS,
  testAlerter,
  testDetector,
  testProcessor,
  testSink,
  testSource,
} from './imports.js';
import { ewmaDetector, gaugeSource, scaleProcessor, thresholdAlerter } from './reference.js';

const every = ['metrics', 'logs', 'findings', 'alerts'] as const;

testSink(() => memorySink({ name: 'mem-under-test' }), {
  title: 'memorySink (all kinds)',
  additionalTests: (ctx) =>
    it('gives additional tests the factory and a harness', async () => {
      const h = ctx.harness(ctx.factory());
      await h.pipeline.start();
      await h.pipeline.stop();
      expect(h.pipeline.status).toBe('stopped');
    }),
});
for (const kind of every) {
  testSink(() => memorySink({ name: `mem-${kind}`, accepts: [kind] }), {
    title: `memorySink (${kind} only)`,
  });
}
testSink(() => slowSink({ name: 'slow-under-test', delayMs: 5, accepts: ['alerts', 'metrics'] }), {
  title: 'slowSink',
});

testSource(() => manualSource({ name: 'manual-under-test' }), {
  title: 'manualSource (push)',
  capabilities: { listen: true },
  produce: (s) =>
    (s as ReturnType<typeof manualSource>).pushSamples([
      { labels: { __name__: 'pushed', n: '1' }, value: 1 },
      { labels: { __name__: 'pushed', n: '2' }, value: 2 },
    ]),
});
testSource(
  () =>
    manualSource({
      name: 'manual-history',
      history: [0, 1, 2, 3, 70].map((i) => ({
        labels: { __name__: 'hist' },
        timestamp: T0_FOR_TESTS + i * 1_000,
        value: i,
      })),
    }),
  { title: 'manualSource (history)', capabilities: { listen: true, readRange: true } },
);
testSource(() => gaugeSource({ count: 4 }), {
  title: 'a poll source',
  capabilities: { poll: true },
  badOptions: () => gaugeSource({ count: -1 }),
});

testDetector(() => ewmaDetector({}), {
  title: 'EWMA detector',
  capabilities: { snapshot: true },
  badOptions: () => ewmaDetector({ alpha: 2 }),
});

testProcessor(() => scaleProcessor({ factor: 2 }), {
  title: 'scale processor',
  badOptions: () => scaleProcessor({ factor: 'two' }),
});

testAlerter(() => thresholdAlerter({ above: 50 }), {
  title: 'threshold alerter',
  capabilities: { snapshot: true },
  badOptions: () => thresholdAlerter({}),
});
