import { testSink } from '@argus/testkit';
import { templateSink } from '../src/index.js';

testSink(() => templateSink({}), {
  badOptions: () => templateSink({ maxItemsPerLine: 0 }),
});
