import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'plugin-template', include: ['test/**/*.test.ts'] } });
