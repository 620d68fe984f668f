import { createSeriesRegistry, type Finding, fingerprint, type MetricBatch, type Source } from '@argus/core';
import { batchFromRows, fakeClock, testContext, testStageContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import {
  absentRule,
  anomalyRule,
  backtest,
  type ExpressionEvaluator,
  externalAlerts,
  loadRuleFile,
  parseSimpleComparison,
  sourceDownRule,
  thresholdRule,
} from '../src/index.js';
import { driver, row } from './helpers.js';

const finding = (series: number, timestamp: number, score: number): Finding => ({
  id: `f${series}-${timestamp}`,
  series,
  timestamp,
  value: 0,
  score,
  kind: 'spike',
  detector: 'test',
  explanation: 'x',
});

describe('anomalyRule', () => {
  it('fires when n of the last m points carry findings with score ≥ minScore, resolves when fewer', () => {
    const d = driver(anomalyRule({ alert: 'Anom', n: 2, m: 3, minScore: 0.8 }));
    const scores = [0.9, 0.5, 0.95, 0, 0, 0.9];
    scores.forEach((s, i) => {
      const id = d.series.intern({ __name__: 'cpu', instance: 'a', job: 'node' });
      const metrics = batchFromRows(d.series, [row('a', i * 1000, i)]);
      d.tick(i * 1000, { metrics, ...(s > 0 ? { findings: [finding(id, i * 1000, s)] } : {}) });
    });
    // points: hit, miss(0.5 < 0.8), hit → firing at t=2 s; then a miss leaves one hit in the window → resolved at 3 s
    expect(d.log.map((a) => `${a.state}@${a.endsAt ?? a.startsAt}`)).toEqual([
      'firing@2000',
      'resolved@3000',
    ]);
    expect(d.log[0]!.findings).toEqual(['f0-0', 'f0-2000']);
  });

  it('groups series by groupBy labels', () => {
    const d = driver(anomalyRule({ alert: 'Anom', n: 2, m: 2, groupBy: ['job'] }));
    const a = d.series.intern({ __name__: 'cpu', instance: 'a', job: 'node' });
    const b = d.series.intern({ __name__: 'cpu', instance: 'b', job: 'node' });
    const metrics = batchFromRows(d.series, [row('a', 0, 1), row('b', 0, 1)]);
    const out = d.tick(0, { metrics, findings: [finding(a, 0, 1), finding(b, 0, 1)] });
    expect(out.map((x) => x.labels)).toEqual([{ job: 'node', alertname: 'Anom' }]);
  });

  it('`for` elapses on evaluations without new points', () => {
    const d = driver(anomalyRule({ alert: 'Anom', n: 1, m: 1, forMs: 10_000 }));
    const id = d.series.intern({ __name__: 'cpu', instance: 'a', job: 'node' });
    d.tick(0, { metrics: batchFromRows(d.series, [row('a', 0, 1)]), findings: [finding(id, 0, 1)] });
    d.tick(5000);
    d.tick(10_000);
    expect(d.log.map((a) => `${a.state}@${a.startsAt}`)).toEqual(['pending@0', 'firing@10000']);
  });

  it('refuses n > m, naming n', () => {
    expect(() => anomalyRule({ alert: 'A', n: 4, m: 3 })).toThrow(/n: must be ≤ m/);
  });
});

describe('absentRule', () => {
  it('selector mode: fires when nothing matched for absentForMs, labelled with the = matchers', () => {
    const d = driver(
      absentRule({ alert: 'NoData', selector: 'cpu{job="node",instance=~".+"}', absentForMs: 60_000 }),
    );
    d.tick(0);
    expect(d.tick(59_000)).toEqual([]);
    const [a] = d.tick(60_000);
    expect(a).toMatchObject({ state: 'firing', labels: { alertname: 'NoData', job: 'node' } });
    expect(Object.keys(a!.labels).sort()).toEqual(['alertname', 'job']);
    expect(d.feed([row('a', 70_000, 1)], 70_000)).toMatchObject([{ state: 'resolved' }]);
  });

  it('series mode: a series that went quiet or stale fires on its own labels', () => {
    const d = driver(absentRule({ alert: 'Gone', selector: 'cpu', absentForMs: 30_000, per: 'series' }));
    d.feed([row('a', 0, 1), row('b', 0, 1)]);
    d.feed([row('a', 20_000, 1), { ...row('b', 20_000, Number.NaN), stale: true }]);
    expect(d.states()).toEqual(['b:firing']);
    d.tick(50_000);
    expect(d.states()).toEqual(['b:firing', 'a:firing']);
    d.feed([row('a', 55_000, 1)]);
    expect(d.states()).toEqual(['b:firing', 'a:firing', 'a:resolved']);
  });
});

describe('sourceDownRule', () => {
  it('fires from source health after `for`, resolves when the source is up again', () => {
    const d = driver(sourceDownRule({ forMs: 10_000, severity: 'critical' }));
    d.tick(1000, { health: [{ source: 'prom', up: false, since: 1000, lastError: 'ECONNREFUSED' }] });
    d.tick(5000);
    d.tick(11_000);
    d.tick(20_000, { health: [{ source: 'prom', up: true, since: 20_000 }] });
    expect(d.states()).toEqual(['prom:pending', 'prom:firing', 'prom:resolved']);
    expect(d.log[1]!.labels).toEqual({ alertname: 'SourceDown', source: 'prom', severity: 'critical' });
  });
});

describe('Prometheus rule files', () => {
  const file = `
groups:
  - name: node
    interval: 30s
    rules:
      - record: job:cpu:avg
        expr: avg by (job) (cpu)
      - alert: HighCPU
        expr: cpu{job="node"} > 90
        for: 1m
        keep_firing_for: 30s
        labels: { severity: page }
        annotations: { summary: "{{ $labels.instance }} at {{ $value }}" }
`;

  it('parses `<selector> <op> <number>` only', () => {
    expect(parseSimpleComparison('cpu{job!="x", a=~">"} >= -1.5e2')).toEqual({
      selector: 'cpu{job!="x", a=~">"}',
      op: '>=',
      threshold: -150,
    });
    expect(parseSimpleComparison('up == 0')).toMatchObject({ op: '==', threshold: 0 });
    for (const e of ['rate(x[5m]) > 1', 'sum(x) > 1', 'x > bool 1', 'x > y', 'x + 1 > 2', 'x']) {
      expect(parseSimpleComparison(e), e).toBeUndefined();
    }
  });

  it('loads alerting rules with Prometheus semantics and skips recording rules', () => {
    const skipped: string[] = [];
    const rules = loadRuleFile(file, { onSkip: (r) => skipped.push(r) });
    expect(skipped).toEqual(['job:cpu:avg']);
    expect(rules.map((r) => r.name)).toEqual(['rule:node/HighCPU']);
    const d = driver(rules[0]!);
    d.feed([row('a', 0, 95)]);
    d.feed([row('a', 60_000, 95)]);
    d.feed([row('a', 70_000, 10)]);
    d.feed([row('a', 100_000, 10)]);
    expect(d.log.map((a) => a.state)).toEqual(['pending', 'firing', 'resolved']);
    expect(d.log[1]!.annotations).toEqual({ summary: 'a at 95' });
    expect(d.log[1]!.labels['severity']).toBe('page');
  });

  it("renders an awesome-prometheus-alerts rule's annotations as Prometheus does (Go templates)", () => {
    // the form of every rule of awesome-prometheus-alerts: the whole label map and the value printed by Go
    const text = `
groups:
  - name: awesome
    rules:
      - alert: HostHighCpuLoad
        expr: cpu > 80
        labels: { severity: warning }
        annotations:
          summary: Host high CPU load (instance {{ $labels.instance }})
          description: "CPU load is > 80%\\n  VALUE = {{ $value }}\\n  LABELS = {{ $labels }}"
          more: '{{ if gt $value 90.0 }}{{ $value | humanize }} is very high{{ else }}high{{ end }} on {{ $labels.job | title }}'
`;
    const d = driver(loadRuleFile(text)[0]!);
    d.feed([row('a', 0, 1234567.5)]);
    expect(d.log[0]!.annotations).toEqual({
      summary: 'Host high CPU load (instance a)',
      description:
        'CPU load is > 80%\n  VALUE = 1.2345675e+06\n  LABELS = map[__name__:cpu instance:a job:node]',
      more: '1.235M is very high on Node',
    });
  });

  it('refuses an expression that needs Prometheus, naming the group and rule', () => {
    const text = file.replace('cpu{job="node"} > 90', 'rate(cpu[5m]) > 90');
    expect(() => loadRuleFile(text, { source: 'node.yml' })).toThrow(
      /node\.yml: group "node" rule 2 \(HighCPU\): expr "rate\(cpu\[5m\]\) > 90" needs a PromQL engine/,
    );
    expect(() => loadRuleFile('groups: [{ name: g, rules: [{ alert: A, expr: x > 1, fro: 1m }] }]')).toThrow(
      /fro/,
    );
  });

  it('runs other expressions on an ExpressionEvaluator with vector semantics', async () => {
    const a = [{ labels: { instance: 'a' }, value: 3 }];
    const vectors = [a, a, a, [], []];
    const asked: string[] = [];
    const evaluator: ExpressionEvaluator = {
      name: 'fake',
      async query(expr) {
        asked.push(expr);
        return vectors.shift() ?? [];
      },
    };
    const [rule] = loadRuleFile(file.replace('cpu{job="node"} > 90', 'rate(cpu[5m]) > 2'), { evaluator });
    const clock = fakeClock({ now: 0 });
    await rule!.start!(testContext({ clock }));
    const d = driver(rule!);
    const states: string[] = [];
    for (let t = 0; t <= 120_000; t += 30_000) {
      if (t > 0) await clock.advanceAsync(30_000);
      await new Promise((r) => setImmediate(r));
      states.push(...d.tick(t).map((a) => a.state));
    }
    await rule!.stop!(testContext({ clock }));
    expect(asked[0]).toBe('rate(cpu[5m]) > 2');
    // pending at 0, firing at 60 s (for: 1m); the empty vector at 90 s starts keep_firing_for (30 s): resolved at 120 s
    expect(states).toEqual(['pending', 'firing', 'resolved']);
  });
});

describe('backtest', () => {
  it('runs a rule over history in batch mode and reports when it would have fired', async () => {
    const series = createSeriesRegistry();
    const values = [10, 95, 96, 97, 98, 20, 20, 99, 10];
    const history: Source = {
      kind: 'source',
      name: 'history',
      apiVersion: 1,
      async *readRange(range, ctx): AsyncIterable<MetricBatch> {
        const rows = values
          .map((v, i) => row('a', i * 60_000, v))
          .filter((r) => r.timestamp >= range.from && r.timestamp < range.to);
        if (rows.length > 0) yield batchFromRows(ctx.series, rows);
      },
    };
    void series;
    const t = await backtest(
      [thresholdRule({ alert: 'Hot', selector: 'cpu', threshold: 90, forMs: 120_000 })],
      {
        sources: [history],
        from: 0,
        to: values.length * 60_000,
        stepMs: 60_000,
      },
    );
    expect(t.map((x) => `${x.alert.state}@${x.at / 60_000}`)).toEqual([
      'pending@1',
      'firing@3',
      'resolved@5',
      'pending@7',
      'inactive@8',
    ]);
  });
});

describe('backtest of evaluator-backed rules', () => {
  const rules = `
groups:
  - name: g
    interval: 30s
    rules:
      - alert: Busy
        expr: rate(cpu[5m]) > 2
        for: 1m
        keep_firing_for: 30s
`;
  // what the expression gives at each 30 s step, per instance (absent: not in the vector)
  const result: Record<string, (number | undefined)[]> = {
    a: [3, 3, 3, 3, undefined, undefined, undefined, 5, undefined],
    b: [undefined, 4, 4, undefined, 4, 4, 4, 4, 4],
  };
  const vectorAt = (t: number) =>
    Object.entries(result).flatMap(([instance, vs]) => {
      const v = vs[t / 30_000];
      return v === undefined ? [] : [{ labels: { instance }, value: v }];
    });
  const brief = (t: { at: number; alert: { state: string; labels: Record<string, string> } }[]) =>
    t.map((x) => `${x.alert.labels['instance']}:${x.alert.state}@${x.at / 1000}`);
  const expected = [
    'a:pending@0',
    'b:pending@30',
    'a:firing@60',
    'b:inactive@90',
    'a:resolved@150',
    'b:pending@120',
    'a:pending@210',
    'b:firing@180',
    'a:inactive@240',
  ];

  it('replays the rule from a range evaluation at the group interval, with for and keep_firing_for', async () => {
    const asked: [string, number, number, number][] = [];
    const evaluator: ExpressionEvaluator = {
      name: 'fake',
      query: async () => {
        throw new Error('a backtest with queryRange must not run instant queries');
      },
      async queryRange(expr, from, to, step) {
        asked.push([expr, from, to, step]);
        return Object.entries(result).map(([instance, vs]) => {
          const ts = vs.flatMap((v, i) =>
            v === undefined || i * step < from || i * step >= to ? [] : [i * step],
          );
          return { labels: { instance }, timestamps: ts, values: ts.map((t) => vs[t / step]!) };
        });
      },
    };
    const [rule] = loadRuleFile(rules, { evaluator });
    const t = await backtest([rule!], { from: 0, to: 270_000, stepMs: 15_000 });
    expect(asked).toEqual([['rate(cpu[5m]) > 2', 0, 270_000, 30_000]]);
    expect(brief(t).sort()).toEqual([...expected].sort());
    // in time order
    expect(t.map((x) => x.at)).toEqual([...t.map((x) => x.at)].sort((x, y) => x - y));
  });

  it('falls back to one instant query per step, and leaves the live rule state alone', async () => {
    const asked: number[] = [];
    const evaluator: ExpressionEvaluator = {
      name: 'fake',
      async query(_expr, at) {
        asked.push(at);
        return vectorAt(at);
      },
    };
    const [rule] = loadRuleFile(rules, { evaluator });
    const t = await backtest([rule!], { from: 0, to: 270_000, stepMs: 15_000 });
    expect(asked).toEqual([0, 30, 60, 90, 120, 150, 180, 210, 240].map((s) => s * 1000));
    expect(brief(t).sort()).toEqual([...expected].sort());
    expect(rule!.snapshot!(testStageContext())).toEqual([]);
  });
});

describe('externalAlerts', () => {
  it('passes matching external alert events through as alerts, firing and resolved', () => {
    const d = driver(externalAlerts({ selector: '{origin_system="azure"}' }));
    const ev = (status: 'firing' | 'resolved', sys = 'azure') => ({
      labels: { alertname: 'VMDown', origin_system: sys },
      annotations: { summary: 's' },
      status,
      startsAt: 1000,
      ...(status === 'resolved' ? { endsAt: 5000 } : {}),
      origin: 'azure-monitor',
    });
    const out = d.tick(0, { events: [ev('firing'), ev('firing', 'other'), ev('resolved')] });
    expect(out.map((a) => `${a.state}:${a.endsAt ?? '-'}:${a.origin}`)).toEqual([
      'firing:-:azure-monitor',
      'resolved:5000:azure-monitor',
    ]);
    expect(out[0]!.fingerprint).toBe(fingerprint({ alertname: 'VMDown', origin_system: 'azure' }));
  });
});
