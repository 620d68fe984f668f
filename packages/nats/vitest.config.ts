import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'nats', include: ['test/**/*.test.ts'] } });
