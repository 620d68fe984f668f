import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'detector-ollama', include: ['test/**/*.test.ts'] } });
