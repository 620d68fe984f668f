import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'processors', include: ['test/**/*.test.ts'] } });
