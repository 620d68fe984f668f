import { loadRuleFile } from '@argus/alerting';
import { type Alert, createPipeline } from '@argus/core';
import { describeWithBinary, memorySink, type RunningServer, startPrometheus } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPrometheusClient, prometheusEvaluator, prometheusSource } from '../src/index.js';
import { labelKey, selfScrapeWithRules } from './helpers.js';

// Rules whose state does not depend on when the first evaluation lands: firing at once, pending for an hour,
// never active; simple comparisons (run by Argus in process on data from prometheusSource) and PromQL
// (run through prometheusEvaluator). Both engines must agree on which alerts exist, their labels and state.
const RULES = `groups:
  - name: parity
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: warning }
      - alert: TargetUp
        expr: up{job="self"} == 1
        for: 1h
        labels: { team: obs }
      - alert: PerCode
        expr: sum by (code) (prometheus_http_requests_total{handler="/api/v1/query"}) > 0
      - alert: NeverFires
        expr: up{job="self"} == 7
`;

type Row = [string, string, Record<string, string>];
const key = labelKey;
const canonical = (rows: Row[]) => JSON.stringify(rows.map((r) => [r[0], r[1], key(r[2])]));
const sorted = (rows: Row[]) => rows.sort((a, b) => (key(a[2]) < key(b[2]) ? -1 : 1));

describeWithBinary(
  [{ bin: 'prometheus', pkg: 'prometheus' }],
  'rule-file parity with Prometheus /api/v1/alerts',
  () => {
    let prom: RunningServer;
    beforeAll(async () => {
      prom = await startPrometheus({ config: selfScrapeWithRules, rules: RULES });
    });
    afterAll(() => prom?.stop());

    it('the same rule file gives the same pending and firing alerts in Argus and in Prometheus', async () => {
      const client = createPrometheusClient({ endpoint: prom.url });
      // queries to /api/v1/query make PerCode's series exist before Prometheus's first rule evaluation
      await client.query('vector(1)', Date.now());
      const alerters = loadRuleFile(RULES, {
        evaluator: prometheusEvaluator({ endpoint: prom.url }),
        source: 'rules.yml',
      });
      const states = new Map<string, Alert>();
      // `<selector> <op> <number>` rules run in process on the samples this source brings; the rest on the evaluator
      const source = prometheusSource({
        endpoint: prom.url,
        queries: ['up'],
        intervalMs: 1_000,
        timeoutMs: 1_000,
      });
      const pipeline = createPipeline({ sources: [source], alerters, sinks: [memorySink()] });
      pipeline.on('alert', (a) => states.set(a.fingerprint, a));
      await pipeline.start();
      try {
        const theirs = async (): Promise<Row[]> => {
          const res = await fetch(`${prom.url}/api/v1/alerts`);
          const body = (await res.json()) as {
            data: { alerts: { labels: Record<string, string>; state: string }[] };
          };
          return sorted(body.data.alerts.map((a) => [a.labels['alertname']!, a.state, a.labels]));
        };
        const ours = (): Row[] =>
          sorted(
            [...states.values()]
              .filter((a) => a.state === 'pending' || a.state === 'firing')
              .map((a) => [a.labels['alertname']!, a.state, { ...a.labels }]),
          );
        // Prometheus evaluates its rules for the first time ~5 s after start: wait until both sides settle
        const until = Date.now() + 30_000;
        let last: [Row[], Row[]] = [[], []];
        while (Date.now() < until) {
          last = [await theirs(), ours()];
          if (last[0].length >= 3 && canonical(last[0]) === canonical(last[1])) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(last[1]).toEqual(last[0]);
        expect(last[0].map((r) => [r[0], r[1]])).toEqual(
          expect.arrayContaining([
            ['AlwaysFiring', 'firing'],
            ['TargetUp', 'pending'],
            ['PerCode', 'firing'],
          ]),
        );
      } finally {
        await pipeline.stop();
      }
    }, 45_000);
  },
);
