// Smoke test of the README's command: the example pipeline runs, writes its alerts and exits by itself.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const here = join(import.meta.dirname, '..');

it('`pnpm start` runs the file sink in a pipeline and prints the alerts it wrote', () => {
  const r = spawnSync(join(here, 'node_modules', '.bin', 'tsx'), [join(here, 'src', 'main.ts')], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const lines = r.stdout.split('\n').filter((l) => l.includes('"DiskAlmostFull"'));
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const l of lines)
    expect(JSON.parse(l)).toMatchObject({ state: 'firing', labels: { alertname: 'DiskAlmostFull' } });
}, 40_000);
