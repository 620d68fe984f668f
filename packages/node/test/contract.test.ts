// The plugins @argus/node exports, under their kinds' contract suites.
import { testNotifier } from '@argus/alerting/testing';
import { robustZDetector } from '@argus/detectors';
import { testDetector, testProcessor } from '@argus/testkit';
import { expect, it } from 'vitest';
import { consoleNotifier, deriveSeries, watchOnly } from '../src/index.js';

testProcessor(() => deriveSeries({}), {
  title: 'deriveSeries',
  badOptions: () => deriveSeries({ requestsMetric: '' }),
});
testDetector(() => watchOnly(robustZDetector({}), '{__name__=~".+"}'), {
  title: 'watchOnly',
  capabilities: { snapshot: true },
  expectFindings: false,
});
testNotifier(() => consoleNotifier(() => undefined), {
  additionalTests: () =>
    it('prints one line per alert', async () => {
      const lines: string[] = [];
      const { sampleNotification } = await import('@argus/alerting/testing');
      await consoleNotifier((l) => lines.push(l)).send(sampleNotification(), {
        signal: new AbortController().signal,
      });
      expect(lines).toHaveLength(2);
    }),
});
