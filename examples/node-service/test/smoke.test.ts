import { describe, expect, it } from 'vitest';
import { runExample } from '../../../test/support/example-smoke.js';

const here = new URL('..', import.meta.url).pathname;

describe('examples/node-service', () => {
  it('started with its README command, a traffic spike causes a latency incident that Argus alerts on, then it exits 0', async () => {
    const r = await runExample(here, { DEMO_INTERVAL_MS: '250' }, 80_000);
    const output = r.output;
    expect(output).toMatch(
      /\[argus\] \d\d:\d\d:\d\d FIRING AnomalyDetected \(warning\): mean http request duration is [0-9.]+m?s, expected /,
    );
    expect(output).toMatch(/Argus caught the latency incident/);
    expect(output).not.toMatch(/error/i);
    expect(r, output).toMatchObject({ code: 0, signal: null, hung: false });
  });
});
