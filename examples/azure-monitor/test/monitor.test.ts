import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExample } from '../../../test/support/example-smoke.js';

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

  it('starts with its README command, runs against the local fake without Azure credentials and notifies the incident once per rule and resource', async () => {
    const unset = { AZURE_VM_ID: undefined, AZURE_APP_ID: undefined, ARGUS_AZURE_TOKEN: undefined };
    const r = await runExample(here, { NO_COLOR: '1', ...unset }, 50_000);
    const out = r.output;
    expect(r, out).toMatchObject({ code: 0, signal: null, hung: false });
    // the pipeline logs warnings and errors to stderr as `argus warn: …`
    expect(r.stderr).toBe('');
    expect(out).not.toMatch(/argus (warn|error)|\berror\b/i);
    expect(out).toMatch(/replayed \d+ samples/);
    const lines = out.split('\n').filter((l) => l.startsWith('[ops] '));
    const notified = (status: string, alert: string, resource: string) =>
      lines.filter((l) => l.startsWith(`[ops] ${status} ${alert} ${resource} `));
    // every rule the incident trips fires once (grouped, deduplicated) and resolves once, in that order
    for (const [alert, resource] of [
      ['HighCPU', 'shop-vm'],
      ['Http5xx', 'shop-web'],
      ['SlowResponse', 'shop-web'],
      ['MetricAnomaly', 'shop-vm'],
      ['MetricAnomaly', 'shop-web'],
    ] as const) {
      expect(notified('FIRING', alert, resource), `${alert} ${resource}\n${out}`).toHaveLength(1);
      expect(notified('RESOLVED', alert, resource), `${alert} ${resource}\n${out}`).toHaveLength(1);
      const fired = lines.indexOf(notified('FIRING', alert, resource)[0]!);
      expect(fired).toBeLessThan(lines.indexOf(notified('RESOLVED', alert, resource)[0]!));
    }
    // templated from the resource's labels, with the rule's severity
    expect(out).toMatch(/FIRING HighCPU shop-vm \(warning\) since \d\d:\d\d: CPU 97% on shop-vm \(shop\)/);
    expect(out).toMatch(/FIRING Http5xx shop-web \(critical\) since \d\d:\d\d: 40 HTTP 5xx a minute/);
    expect(out).toMatch(/FIRING SlowResponse shop-web \(warning\) since \d\d:\d\d: responses take 4\.5s/);
    // nothing else: memory stays healthy, the calm six hours raise no anomaly
    expect(lines).toHaveLength(10);
    expect(out).not.toMatch(/LowMemory/);
  });
});
