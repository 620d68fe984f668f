import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'alerting', include: ['test/**/*.test.ts'] } });
