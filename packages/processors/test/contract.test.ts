// Every processor this package exports, under @argus/testkit's processor contract.
import { testProcessor } from '@argus/testkit';
import { aggregate, downsample, filter, rate, relabel, shardSeries } from '../src/index.js';

testProcessor(() => aggregate({ op: 'sum', by: ['job'], stepMs: 1000 }), {
  title: 'aggregate',
  capabilities: { flush: true },
  badOptions: () => aggregate({ op: 'sum', stepMs: 0 }),
});
testProcessor(() => downsample({ stepMs: 5000, fn: 'avg' }), {
  title: 'downsample',
  capabilities: { flush: true },
  badOptions: () => downsample({ stepMs: 5000, fn: 'quantile' }),
});
testProcessor(() => filter({ match: '{__name__=~".+"}' }), {
  title: 'filter',
  badOptions: () => filter({ match: '{job=' }),
});
testProcessor(() => rate({ mode: 'delta' }), {
  title: 'rate',
  capabilities: { snapshot: true },
  badOptions: () => rate({ mode: 'speed' as never }),
});
testProcessor(() => relabel({ rules: [{ action: 'replace', targetLabel: 'env', replacement: 'test' }] }), {
  title: 'relabel',
  badOptions: () => relabel({ rules: [] }),
});
testProcessor(() => shardSeries({ shard: { index: 0, total: 2 } }), {
  title: 'shardSeries',
  badOptions: () => shardSeries({ shard: { index: 2, total: 2 } }),
});
