// The synthetic source under @argus/testkit's source contract, live (poll) and over history (readRange).
import { testSource } from '@argus/testkit';
import { syntheticSource } from '../src/index.js';

const series = [
  { labels: { __name__: 'latency', service: 'a' }, base: 0.2, noise: 0.02 },
  { labels: { __name__: 'rps', service: 'a' }, base: 100, noise: 5, kind: 'counter' as const },
];

testSource(() => syntheticSource({ series, seed: 3, backfillMs: 5000 }), {
  title: 'syntheticSource',
  capabilities: { poll: true, readRange: true },
  badOptions: () => syntheticSource({ series, stepMs: 0 }),
});
