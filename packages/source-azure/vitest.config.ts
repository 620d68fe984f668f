import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'source-azure', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
