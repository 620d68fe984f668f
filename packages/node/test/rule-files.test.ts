import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Alert, silentLogger } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startArgus } from '../src/index.js';
import { cleanup, drain } from './cleanup.js';

const { tmp, handles } = cleanup();

const RULES = `
groups:
  - name: traffic
    interval: 10s
    rules:
      - record: route:requests:rate1m
        expr: sum by (route) (rate(http_requests_total[1m]))
      - alert: TrafficHigh
        expr: route:requests:rate1m > 2
        annotations: { summary: "{{ $labels.route }} at {{ $value }}/s" }
`;

describe('startArgus ruleFiles', () => {
  it('runs a rule file in process over the recorded history: a recording rule feeds an alerting rule', async () => {
    const dir = tmp();
    const file = join(dir, 'rules.yml');
    writeFileSync(file, RULES);
    const registry = new Registry();
    const requests = new Counter({
      name: 'http_requests_total',
      help: 'requests',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
    const clock = fakeClock({ now: Date.UTC(2026, 0, 5, 9) });
    const argus = await startArgus({
      registry,
      clock,
      intervalMs: 5_000,
      dataDir: dir,
      logger: silentLogger,
      rules: { anomalies: false, errorRate: false },
      notify: { console: false },
      ruleFiles: [file],
    });
    handles.push(argus);
    const alerts: Alert[] = [];
    argus.on('alert', (a) => alerts.push(a));
    // 5 requests per 5 s read (1/s) for two minutes, then 25 per read (5/s)
    for (let i = 0; i < 48 && alerts.length === 0; i++) {
      requests.inc({ route: '/', status: '200' }, i < 24 ? 5 : 25);
      await clock.advanceAsync(5_000);
      await drain(argus);
    }
    expect(
      alerts.map((a) => [
        a.labels['alertname'],
        a.state,
        a.annotations['summary']?.replace(/[\d.]+\/s/, 'N/s'),
      ]),
    ).toEqual([['TrafficHigh', 'firing', '/ at N/s']]);
    // the recorded series is in the store (queries read it) and the rules API shows both rules healthy
    expect(
      argus.store.readSeries([{ name: '__name__', op: '=', value: 'route:requests:rate1m' }], 0, Infinity),
    ).toHaveLength(1);
    const rules = argus.ruleGroups!.rules().groups[0]!.rules;
    expect(rules.map((r) => [r['name'], r['health']])).toEqual([
      ['route:requests:rate1m', 'ok'],
      ['TrafficHigh', 'ok'],
    ]);
    expect(argus.ruleGroups!.alerts().alerts).toHaveLength(1);
    // what the groups produce reaches the store once: through the groups' appender, not again through the sink
    const stats = argus.store.stats();
    expect(stats.samples).toBeGreaterThan(0);
    expect(stats.duplicatesIgnored).toBe(0);
  });
});
