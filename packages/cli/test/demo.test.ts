import { describe, expect, it } from 'vitest';
import { planIncidents } from '../src/demo.js';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

interface Line {
  type: string;
  [k: string]: unknown;
}

describe('argus demo', () => {
  it('--incident-duration stretches every planned incident; without it each lasts its scenario’s time', async () => {
    const plain = planIncidents(0, 1).slice(0, 5);
    expect(plain.map((i) => i.end - i.start)).toEqual([15_000, 20_000, 15_000, 20_000, 10_000]);
    const long = planIncidents(0, 1, 600_000).slice(0, 5);
    expect(long.map((i) => i.end - i.start)).toEqual([600_000, 600_000, 600_000, 600_000, 600_000]);
    expect(long.map((i) => i.start)).toEqual(plain.map((i) => i.start));
    const io = captureIo();
    expect(await main(['demo', '--incident-duration', 'soon'], io)).toBe(2);
    expect(io.err).toContain('--incident-duration must be a non-negative number');
  });

  it('finds, alerts and resolves the first injected incident (found within 30 s)', async () => {
    const io = captureIo();
    const started = Date.now();
    const code = await main(['demo', '--duration', '42', '--json', '--seed', '1'], io);
    expect(code).toBe(0);
    const lines = io.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const banner = lines.find((l) => l.type === 'banner')!;
    const first = banner['firstIncident'] as {
      service: string;
      metric: string;
      alertname: string;
      start: number;
      end: number;
    };
    // the plan puts the first incident 8-9 s after the demo's start (checked on the plan itself: how long this
    // process took to load the CLI before the demo began is the machine's load, not the demo's)
    expect(first.start).toBeGreaterThan(started);
    expect(planIncidents(0, 1)[0]!.start).toBeLessThanOrEqual(11_000);
    const findings = lines.filter(
      (l) =>
        l.type === 'finding' &&
        (l['series'] as Record<string, string>)['service'] === first.service &&
        (l['series'] as Record<string, string>)['__name__'] === first.metric,
    );
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => (f['at'] as number) >= first.start)).toBe(true);
    const firing = lines.find(
      (l) =>
        l.type === 'alert' &&
        l['state'] === 'firing' &&
        (l['labels'] as Record<string, string>)['alertname'] === first.alertname,
    );
    expect(firing?.['labels']).toMatchObject({ service: first.service });
    expect(firing?.['startsAt']).toBeGreaterThanOrEqual(first.start);
    expect((firing?.['startsAt'] as number) - started).toBeLessThan(30_000);
    expect(firing?.['fingerprint']).toMatch(/^[0-9a-f]{16}$/);
    // the incident ends and the baseline was not dragged along: the alert resolves after the incident's end
    const resolved = lines.find(
      (l) => l.type === 'alert' && l['state'] === 'resolved' && l['fingerprint'] === firing?.['fingerprint'],
    );
    expect(resolved?.['endsAt']).toBeGreaterThanOrEqual(first.end);
    // the workload's noise alone never fires: every firing alert matches a planned incident
    const planned = banner['incidents'] as { alertname: string; service: string }[];
    for (const a of lines.filter((l) => l.type === 'alert' && l['state'] === 'firing')) {
      const labels = a['labels'] as Record<string, string>;
      if (labels['alertname'] === 'ProcessAnomaly') continue;
      expect(
        planned.some((p) => p.alertname === labels['alertname'] && p.service === labels['service']),
      ).toBe(true);
    }
    // the run was recorded into the store, and the backtest over that history finds the same incident
    const history = lines.find((l) => l.type === 'history')!;
    expect(history['samples']).toBeGreaterThan(0);
    expect(history['findings']).toBeGreaterThan(0);
    const backtest = history['backtest'] as { samples: number; fired: Record<string, number> };
    expect(backtest.samples).toBe(history['samples']);
    expect(backtest.fired[first.alertname]).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
