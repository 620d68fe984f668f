// Smoke test of the README's command: the example pipeline runs, writes its alerts and exits by itself.
import { expect, it } from 'vitest';
import { runExample } from '../../../test/support/example-smoke.js';

const here = new URL('..', import.meta.url).pathname;

it('`pnpm --filter example-custom-plugin start` runs the file sink in a pipeline and prints the alerts it wrote', async () => {
  const r = await runExample(here, {}, 40_000);
  expect(r, r.output).toMatchObject({ code: 0, signal: null, hung: false });
  expect(r.stderr).toBe('');
  const lines = r.output.split('\n').filter((l) => l.includes('"DiskAlmostFull"'));
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const l of lines)
    expect(JSON.parse(l)).toMatchObject({ state: 'firing', labels: { alertname: 'DiskAlmostFull' } });
}, 50_000);
