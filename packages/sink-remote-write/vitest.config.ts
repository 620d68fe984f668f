import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'sink-remote-write', include: ['test/**/*.test.ts'] } });
