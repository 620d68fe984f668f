import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-azure-monitor', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
