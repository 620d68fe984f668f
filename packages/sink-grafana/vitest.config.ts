import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'sink-grafana', include: ['test/**/*.test.ts'] } });
