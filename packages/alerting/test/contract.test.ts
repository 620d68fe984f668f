// Every alerter rule this package exports under @argus/testkit's alerter contract (thresholdRule's suite runs
// in threshold.test.ts). Rules that alert on findings, absence or source health see no such input in the suite's
// default samples, so they run with `expectAlerts: false`: the shape, lifecycle, counts and snapshots still apply.
import { testAlerter } from '@argus/testkit';
import {
  absentRule,
  anomalyRule,
  type ExpressionEvaluator,
  evaluatedRule,
  externalAlerts,
  predictiveRule,
  sourceDownRule,
} from '../src/index.js';

testAlerter(() => absentRule({ alert: 'NoData', selector: 'testkit_value', absentForMs: 60_000 }), {
  title: 'absentRule',
  capabilities: { snapshot: true },
  expectAlerts: false,
  badOptions: () => absentRule({ alert: 'NoData', selector: 'testkit_value', absentForMs: -1 }),
  optionsErrorPlugin: 'absent-rule',
});
testAlerter(() => sourceDownRule({ forMs: 10_000 }), {
  title: 'sourceDownRule',
  capabilities: { snapshot: true },
  expectAlerts: false,
  badOptions: () => sourceDownRule({ forMs: -1 }),
  optionsErrorPlugin: 'source-down-rule',
});
testAlerter(() => anomalyRule({ alert: 'Anomaly', n: 1, m: 1 }), {
  title: 'anomalyRule',
  capabilities: { snapshot: true },
  expectAlerts: false,
  badOptions: () => anomalyRule({ alert: 'A', n: 4, m: 3 }),
  optionsErrorPlugin: 'anomaly-rule',
});
testAlerter(() => predictiveRule({ alert: 'DiskFillsSoon' }), {
  title: 'predictiveRule',
  capabilities: { snapshot: true },
  expectAlerts: false,
  badOptions: () => predictiveRule({ alert: 'A', verdict: 'maybe' as 'ignore' }),
  optionsErrorPlugin: 'predictive-rule',
});
testAlerter(() => externalAlerts({ selector: '{origin_system="azure"}' }), {
  title: 'externalAlerts',
  expectAlerts: false,
  badOptions: () => externalAlerts({ selector: '{origin_system=' }),
});

// an evaluator answering from memory: the rule's remote evaluation without a server
const evaluator: ExpressionEvaluator = {
  name: 'in-memory',
  query: async () => [{ labels: { instance: 'a' }, value: 1 }],
};
testAlerter(
  () =>
    evaluatedRule({
      name: 'remote-rule',
      expr: 'up == 0',
      evaluator,
      intervalMs: 60_000,
      alert: 'Down',
      forMs: 0,
      keepFiringForMs: 0,
      labels: {},
      annotations: {},
      origin: 'test',
    }),
  { title: 'evaluatedRule', capabilities: { snapshot: true }, expectAlerts: false },
);
