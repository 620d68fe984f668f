import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-alerting', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
