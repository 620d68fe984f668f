import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'deploy-checks', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
