import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'notifiers', include: ['test/**/*.test.ts'] } });
