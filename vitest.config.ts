import { defineConfig } from 'vitest/config';

// .ci/run sets ARGUS_TEST_REPORT so it can print a plain `N passed, N failed` line from vitest's JSON report.
const report = process.env.ARGUS_TEST_REPORT;

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'docs/examples', 'deploy/checks', 'test'],
    ...(report ? { reporters: ['default', 'json'], outputFile: { json: report } } : {}),
  },
});
