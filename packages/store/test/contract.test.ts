import { testSink, testSource } from '@argus/testkit';
import { createStore, storeSink, storeSource } from '../src/index.js';

testSink(() => storeSink(createStore()), {
  title: '@argus/store sink',
  capabilities: { flush: true },
  badOptions: () => storeSink(createStore(), { accepts: [] }),
});

testSink(() => storeSink(createStore()), {
  title: '@argus/store sink (findings)',
  inputKind: 'findings',
  capabilities: { flush: true },
  badOptions: () => storeSink(createStore(), { name: '' }),
});

testSource(
  () => {
    // one sample per second over two minutes, so readRange has data to give
    const store = createStore();
    for (let i = 0; i < 120; i++) store.append({ __name__: 'up', job: 'x' }, i * 1000, i);
    return storeSource(store);
  },
  {
    title: '@argus/store source',
    capabilities: { readRange: true },
    range: { from: 0, to: 60_000, stepMs: 1000 },
    badOptions: () => storeSource(createStore(), { batchSamples: -1 }),
  },
);
