import { defineProject } from 'vitest/config';

// a loaded 2-core machine can be slow to serve the local fake: generous bounds, no timing assertions
export default defineProject({
  test: { name: 'detector-ollama', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
