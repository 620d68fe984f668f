import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'example-custom-plugin', include: ['test/**/*.test.ts'] } });
