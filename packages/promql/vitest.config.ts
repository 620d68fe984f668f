import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'promql', include: ['test/**/*.test.ts'] } });
