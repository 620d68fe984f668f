import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'remote-write', include: ['test/**/*.test.ts'] } });
