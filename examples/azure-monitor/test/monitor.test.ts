import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = new URL('..', import.meta.url).pathname;
const root = join(here, '..', '..');

describe('examples/azure-monitor', () => {
  it('type-checks', () => {
    const r = spawnSync(
      join(root, 'node_modules', '.bin', 'tsc'),
      ['--noEmit', '-p', join(here, 'tsconfig.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs against the local fake without Azure credentials and alerts on the incident', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    for (const k of ['AZURE_VM_ID', 'AZURE_APP_ID', 'ARGUS_AZURE_TOKEN']) delete env[k];
    const r = spawnSync(join(here, 'node_modules', '.bin', 'jiti'), [join(here, 'monitor.ts')], {
      cwd: here,
      env,
      encoding: 'utf8',
      timeout: 50_000,
    });
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/FIRING\s+HighCPU\s.*resource_name=shop-vm/);
    expect(out).toMatch(/FIRING\s+Http5xxBurst\s.*resource_name=shop-web/);
    expect(out).toMatch(/FIRING\s+SlowResponses\s/);
    expect(out).toMatch(/replayed \d+ samples/);
    expect(out).not.toMatch(/error|warn/i);
  });
});
