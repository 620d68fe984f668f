import { backtest, loadRuleFile } from '@argus/alerting';
import { describeWithBinary, type RunningServer, startPrometheus } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPrometheusClient, prometheusEvaluator, prometheusSource } from '../src/index.js';
import { labelKey, selfScrapeWithRules } from './helpers.js';

// Prometheus evaluates the rules live and records what they did as the series ALERTS (per state) and
// ALERTS_FOR_STATE (value: when the alert became active). Argus then backtests the same rule file over the same
// range: `vector(1)` through prometheusEvaluator.queryRange, the `<selector> <op> <number>` rules in process on
// the history prometheusSource reads. The alerts that fired and when they became active must agree, up to where
// in the second each side evaluates.
const RULES = `groups:
  - name: backtest
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: warning }
      - alert: UpFor3s
        expr: up{job="self"} == 1
        for: 3s
        labels: { team: obs }
      - alert: NeverFires
        expr: up{job="self"} == 7
`;

const key = labelKey;

describeWithBinary([{ bin: 'prometheus', pkg: 'prometheus' }], 'backtest parity with Prometheus', () => {
  let prom: RunningServer;
  beforeAll(async () => {
    prom = await startPrometheus({ config: selfScrapeWithRules, rules: RULES });
  });
  afterAll(() => prom?.stop());

  it('a backtest of a rule file fires the alerts Prometheus fired, active from the same evaluation', async () => {
    const client = createPrometheusClient({ endpoint: prom.url });
    // wait until UpFor3s has fired and stayed firing a little
    const until = Date.now() + 40_000;
    let firingSince: number | undefined;
    while (Date.now() < until) {
      const { series } = await client.query('ALERTS{alertname="UpFor3s", alertstate="firing"}', Date.now());
      if (series.length > 0) firingSince ??= Date.now();
      if (firingSince !== undefined && Date.now() - firingSince > 2_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(firingSince).toBeDefined();
    const to = Math.floor(Date.now() / 1000) * 1000 - 1000;

    // Prometheus's first evaluation: when AlwaysFiring became active (ALERTS_FOR_STATE holds whole seconds, so
    // it happened within that second). The backtest starts on the next second.
    const first = await client.query('ALERTS_FOR_STATE{alertname="AlwaysFiring"}', to);
    const from = first.series[0]!.values[0]! * 1000 + 1000;

    const theirsActive = new Map<string, number>();
    for (const s of (await client.query('ALERTS_FOR_STATE', to)).series) {
      const { __name__: _, ...labels } = s.labels;
      theirsActive.set(key(labels), s.values[0]! * 1000);
    }
    const theirsFired = new Set<string>();
    for (const s of (await client.queryRange('ALERTS{alertstate="firing"}', from, to, 1000)).series) {
      const { __name__: _, alertstate: __, ...labels } = s.labels;
      theirsFired.add(key(labels));
    }

    const rules = loadRuleFile(RULES, { evaluator: prometheusEvaluator({ endpoint: prom.url }) });
    const history = prometheusSource({ endpoint: prom.url, queries: ['up'] });
    const transitions = await backtest(rules, { sources: [history], from, to: to + 1, stepMs: 1000 });
    const oursFired = new Set(
      transitions.filter((t) => t.alert.state === 'firing').map((t) => key(t.alert.labels)),
    );
    expect([...oursFired].sort()).toEqual([...theirsFired].sort());
    expect([...oursFired].map((k) => JSON.parse(k)[0][1]).sort()).toEqual(['AlwaysFiring', 'UpFor3s']);

    const up = transitions.filter((t) => t.alert.labels['alertname'] === 'UpFor3s');
    expect(up.map((t) => t.alert.state)).toEqual(['pending', 'firing']);
    const oursActive = up[0]!.alert.startsAt;
    // both became active at the first evaluation that saw the first `up` sample: Prometheus at its own offset
    // within a second (recorded truncated to the second), the backtest on whole seconds
    const theirs = theirsActive.get(key(up[0]!.alert.labels))!;
    expect(Math.abs(oursActive - theirs)).toBeLessThanOrEqual(1000);
    expect(up[1]!.alert.startsAt - oursActive).toBe(3000);
  }, 60_000);
});
