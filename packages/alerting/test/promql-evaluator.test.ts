import { type MemorySeries, memoryQueryable, storeQueryable } from '@argus/promql';
import { createStore } from '@argus/store';
import { fakeClock, settle } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { backtest, loadRuleFile, promqlEvaluator } from '../src/index.js';

// node-exporter style rules as awesome-prometheus-alerts writes them: functions, arithmetic, aggregation
const OUT_OF_MEMORY = `
groups:
  - name: host
    interval: 15s
    rules:
      - alert: HostOutOfMemory
        expr: node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10`;
const RULES = `${OUT_OF_MEMORY}
        for: 1m
        labels: { severity: warning }
        annotations:
          summary: "Host out of memory (instance {{ $labels.instance }})"
          description: "Node memory is filling up (< 10% left)\\n  VALUE = {{ $value }}"
      - alert: HostHighCpuLoad
        expr: sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m])) > 0.8
        labels: { severity: warning }
      - alert: HostDown
        expr: up == 0
`;

const STEP = 15_000;
const N = 41; // 0 … 600 s

/** Two hosts: a fills its memory from 200 s on and burns CPU from 300 s on; b is fine; c's scrape fails at 450 s. */
function data(): MemorySeries[] {
  const ts = Array.from({ length: N }, (_, i) => i * STEP);
  const s = (labels: Record<string, string>, f: (t: number) => number): MemorySeries => ({
    labels,
    timestamps: ts,
    values: ts.map(f),
  });
  const busy = (from: number) => {
    // cumulative busy seconds: 0.1 s/s before `from`, 0.95 s/s after
    return (t: number) => (t <= from ? t * 0.1 : from * 0.1 + (t - from) * 0.95) / 1000;
  };
  return [
    s({ __name__: 'node_memory_MemTotal_bytes', instance: 'a' }, () => 1000),
    s({ __name__: 'node_memory_MemAvailable_bytes', instance: 'a' }, (t) => (t < 200_000 ? 500 : 50)),
    s({ __name__: 'node_memory_MemTotal_bytes', instance: 'b' }, () => 1000),
    s({ __name__: 'node_memory_MemAvailable_bytes', instance: 'b' }, () => 600),
    s({ __name__: 'node_cpu_seconds_total', instance: 'a', mode: 'user' }, busy(300_000)),
    s({ __name__: 'node_cpu_seconds_total', instance: 'a', mode: 'idle' }, (t) => t / 1000),
    s({ __name__: 'node_cpu_seconds_total', instance: 'b', mode: 'user' }, busy(Infinity)),
    s({ __name__: 'up', instance: 'c' }, (t) => (t < 450_000 ? 1 : 0)),
  ];
}

const brief = (t: { at: number; alert: { state: string; labels: Record<string, string> } }[]) =>
  t.map(
    (x) => `${x.alert.labels['alertname']}/${x.alert.labels['instance']}:${x.alert.state}@${x.at / 1000}`,
  );

describe('promqlEvaluator: every alerting rule of a rule file in process', () => {
  it('loads rules with functions, arithmetic and aggregations without a Prometheus server', () => {
    expect(() => loadRuleFile(RULES)).toThrow(/needs a PromQL engine/);
    const rules = loadRuleFile(RULES, { queryable: memoryQueryable(data()) });
    expect(rules.map((r) => r.name)).toEqual([
      'rule:host/HostOutOfMemory',
      'rule:host/HostHighCpuLoad',
      'rule:host/HostDown',
    ]);
  });

  it('evaluates them over history as Prometheus would (for, aggregation labels, scalar comparison)', async () => {
    const rules = loadRuleFile(RULES, { queryable: memoryQueryable(data()) });
    const t = await backtest(rules, { from: 0, to: N * STEP, stepMs: STEP });
    expect(brief(t)).toEqual([
      'HostOutOfMemory/a:pending@210',
      'HostOutOfMemory/a:firing@270',
      // Prometheus 2.x range selectors include the sample at t - 1m: at 345 s the window [285, 345] still holds one
      // slow increment (0.7375/s); at 360 s it holds only fast ones (0.95/s)
      'HostHighCpuLoad/a:firing@360',
      'HostDown/c:firing@450',
    ]);
    const oom = t.find((x) => x.alert.state === 'firing')!.alert;
    expect(oom.labels).toEqual({ alertname: 'HostOutOfMemory', instance: 'a', severity: 'warning' });
    expect(oom.annotations['summary']).toBe('Host out of memory (instance a)');
    expect(oom.annotations['description']).toBe('Node memory is filling up (< 10% left)\n  VALUE = 5');
  });

  it('reads the embedded store through storeQueryable', async () => {
    const store = createStore();
    for (const s of data())
      for (const [i, t] of s.timestamps.entries()) store.append(s.labels, t, s.values[i]!);
    const ev = promqlEvaluator({ queryable: storeQueryable(store) });
    const v = await ev.query(
      'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes',
      300_000,
      new AbortController().signal,
    );
    expect(v).toEqual([
      { labels: { instance: 'a' }, value: 0.05 },
      { labels: { instance: 'b' }, value: 0.6 },
    ]);
    // a scalar result is one sample without labels, as Prometheus's rule manager takes it
    expect(await ev.query('1 + 1', 0, new AbortController().signal)).toEqual([{ labels: {}, value: 2 }]);
    await store.close();
  });

  it('is bounded: the sample limit and the caller signal stop an evaluation with a clear error', async () => {
    const ev = promqlEvaluator({ queryable: memoryQueryable(data()), maxSamples: 10 });
    await expect(
      ev.query('count_over_time(node_cpu_seconds_total[10m])', 600_000, new AbortController().signal),
    ).rejects.toThrow(/too many samples|max-samples|sample limit/i);
    const ctl = new AbortController();
    ctl.abort();
    const free = promqlEvaluator({ queryable: memoryQueryable(data()) });
    await expect(free.queryRange!('up', 0, 600_000, 15_000, ctl.signal)).rejects.toThrow(/abort/i);
    await expect(free.query('"a string"', 0, new AbortController().signal)).rejects.toThrow(
      /not a vector or scalar/,
    );
  });
});

describe('loadRuleFile: the query template function', () => {
  const QUERY_RULES = `${OUT_OF_MEMORY}
        annotations:
          total: '{{ with query "sum(node_memory_MemAvailable_bytes)" }}{{ . | first | value }}{{ end }} bytes free'
`;

  it('runs query in annotations on the in-process engine at the evaluation time', async () => {
    const rules = loadRuleFile(QUERY_RULES, { queryable: memoryQueryable(data()) });
    const t = await backtest(rules, { from: 0, to: N * STEP, stepMs: STEP });
    // a's memory drops to 50 at 200 s (b has 600): the query sees 650 at the evaluation that fires
    expect(t.map((x) => [x.at / 1000, x.alert.state, x.alert.annotations['total']])).toEqual([
      [210, 'firing', '650 bytes free'],
    ]);
  });

  it('runs query on the evaluator when one is given', async () => {
    const engineEval = promqlEvaluator({ queryable: memoryQueryable(data()) });
    const asked: string[] = [];
    const evaluator = {
      ...engineEval,
      name: 'recording',
      query(expr: string, atMs: number, signal: AbortSignal) {
        asked.push(expr);
        return engineEval.query(expr, atMs, signal);
      },
    };
    const rules = loadRuleFile(QUERY_RULES, { evaluator });
    const t = await backtest(rules, { from: 0, to: N * STEP, stepMs: STEP });
    expect(t.map((x) => x.alert.annotations['total'])).toEqual(['650 bytes free']);
    expect(asked).toContain('sum(node_memory_MemAvailable_bytes)');
  });

  it('renders query live, after the rule query, at its evaluation time', async () => {
    const clock = fakeClock({ now: 210_000 });
    const rule = loadRuleFile(QUERY_RULES, { queryable: memoryQueryable(data()) })[0]!;
    const log = { debug() {}, info() {}, error() {}, warn() {} };
    const ctx = { clock, log } as unknown as Parameters<NonNullable<typeof rule.start>>[0];
    await rule.start!(ctx);
    // the query and the template's query run off the hot path; wait (bounded) for their result to be applied
    let out: ReturnType<NonNullable<typeof rule.evaluate>> | undefined;
    for (let i = 0; i < 1_000 && !out; i++) {
      await settle();
      out = rule.evaluate({}, { now: clock.now() } as never);
    }
    expect((out as { annotations: Record<string, string> }[] | undefined)?.map((a) => a.annotations)).toEqual(
      [{ total: '650 bytes free' }],
    );
    await rule.stop!(ctx);
  });
});
