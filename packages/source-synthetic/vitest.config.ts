import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'source-synthetic', include: ['test/**/*.test.ts'] } });
