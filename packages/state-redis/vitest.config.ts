import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'state-redis', include: ['test/**/*.test.ts'] } });
