// The CLI's built-in plugins under @argus/testkit's contract suites, like any other plugin.
import { testAlerter, testDetector, testSink, testSource } from '@argus/testkit';
import type { Io } from '../src/format.js';
import { consoleSink, ewmaDetector, processSource, scoreThresholdAlerter } from '../src/index.js';

const quietIo = (): Io => ({ stdout: () => undefined, stderr: () => undefined, color: false });

testSink(() => consoleSink({ json: true }, quietIo()), {
  title: 'consoleSink',
  inputKind: 'findings',
  badOptions: () => consoleSink({ json: 'yes' as never }, quietIo()),
});
testDetector(() => ewmaDetector({ alpha: 0.3, threshold: 3 }), {
  title: 'ewmaDetector',
  capabilities: { snapshot: true },
  badOptions: () => ewmaDetector({ alpha: 2 }),
});
testSource(() => processSource({ intervalMs: 1000, labels: { app: 'test' } }), {
  title: 'processSource',
  capabilities: { poll: true },
  badOptions: () => processSource({ intervalMs: -1 }),
});
testAlerter(() => scoreThresholdAlerter({ minScore: 0.5, forPoints: 1 }), {
  title: 'scoreThresholdAlerter',
  capabilities: { snapshot: true },
  expectAlerts: false,
  badOptions: () => scoreThresholdAlerter({ minScore: 2 }),
});
