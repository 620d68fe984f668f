import { defineConfig } from 'tsup';

export default defineConfig({
  // the analysis jobs' worker thread runs its own bundle (dist/job-worker.js)
  entry: { index: 'src/index.ts', 'job-worker': 'src/jobs/worker.ts' },
  // import.meta.url in the CommonJS build, to find job-worker.js
  shims: true,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
});
