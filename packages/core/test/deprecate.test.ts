import { expect, it } from 'vitest';
import { deprecate } from '../src/index.js';

it('deprecate() emits one DeprecationWarning per code per process', async () => {
  const got: Error[] = [];
  const on = (w: Error) => got.push(w);
  process.on('warning', on);
  try {
    deprecate('ARGUS_TEST_A', 'a is renamed b');
    deprecate('ARGUS_TEST_A', 'a is renamed b');
    deprecate('ARGUS_TEST_C', 'c is renamed d');
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', on);
  }
  expect(got.map((w) => [w.name, (w as { code?: string }).code, w.message])).toEqual([
    ['DeprecationWarning', 'ARGUS_TEST_A', 'a is renamed b'],
    ['DeprecationWarning', 'ARGUS_TEST_C', 'c is renamed d'],
  ]);
});
