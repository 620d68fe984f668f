import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = new URL('..', import.meta.url).pathname;

describe('examples/node-service', () => {
  it('a traffic spike causes a latency incident that Argus alerts on, then exits 0', async () => {
    const child = spawn(join(here, 'node_modules', '.bin', 'jiti'), [join(here, 'main.ts')], {
      cwd: here,
      env: { ...process.env, DEMO_INTERVAL_MS: '250' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(output).toMatch(
      /\[argus\] FIRING AnomalyDetected \{series="argus:http_request_duration_seconds:mean"/,
    );
    expect(output).toMatch(/Argus caught the latency incident/);
    expect(output).not.toMatch(/error/i);
    expect(code).toBe(0);
  });
});
