import { type Alert, createPipeline } from '@argus/core';
import { createEngine, storeQueryable } from '@argus/promql';
import { createStore, type Store } from '@argus/store';
import { fakeClock, memorySink, settle, waitUntil } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { backtest, ruleGroups } from '../src/index.js';

const RULES = `
groups:
  - name: errors
    interval: 30s
    rules:
      - record: job:http_errors:rate1m
        expr: sum by (job) (rate(http_requests_total{code=~"5.."}[1m]))
        labels: { team: web }
      - alert: HighErrorRate
        expr: job:http_errors:rate1m > 1
        for: 1m
        labels: { severity: page }
        annotations: { summary: "{{ $labels.job }} fails {{ $value }}/s" }
`;

/** 5xx at 0.5/s until 300 s, then 3/s until 480 s, then 0.5/s again; a 200 series that never matters. */
function fill(store: Store, untilMs: number): void {
  let errors = 0;
  for (let t = 0; t <= untilMs; t += 15_000) {
    store.append({ __name__: 'http_requests_total', job: 'api', code: '500' }, t, errors);
    store.append({ __name__: 'http_requests_total', job: 'api', code: '200' }, t, t / 100);
    errors += t >= 300_000 && t < 480_000 ? 45 : 7.5;
  }
}

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function setup() {
  const store = createStore();
  stores.push(store);
  const queryable = storeQueryable(store);
  const groups = ruleGroups({ files: [{ file: 'errors.yml', text: RULES }], queryable, appender: store });
  return { store, groups, engine: createEngine({ queryable }) };
}

const brief = (alerts: readonly Alert[], at: number) =>
  alerts.map((a) => `${a.labels['alertname']}:${a.state}@${at / 1000}`);

describe('ruleGroups: recording rules feed alerting rules in process', () => {
  it('later rules see the recorded series of the same evaluation, and queries read them from the store', async () => {
    const { store, groups, engine } = setup();
    fill(store, 900_000);
    const changes: string[] = [];
    for (let t = 30_000; t <= 900_000; t += 30_000) {
      for (const out of await groups.evaluateAt(t)) changes.push(...brief(out.alerts, t));
    }
    // the recorded rate first exceeds 1 at 330 s (rate over [1m] of samples from 285 s): the alert goes pending at
    // that same evaluation — with only the previous evaluation's recorded value it would be 360 s
    expect(changes).toEqual([
      'HighErrorRate:pending@330',
      'HighErrorRate:firing@390',
      // at 510 s the window [450, 510] still holds two fast increments (1.75/s); at 540 s none (0.5/s)
      'HighErrorRate:resolved@540',
    ]);
    const recorded = await engine.instantQuery('job:http_errors:rate1m', 330_000);
    expect(recorded).toEqual({
      resultType: 'vector',
      result: [
        { metric: { __name__: 'job:http_errors:rate1m', job: 'api', team: 'web' }, t: 330_000, v: 1.75 },
      ],
    });
    // ALERTS holds the state at each evaluation; the stale marker ends it at once when the alert resolves
    const alerts = await engine.rangeQuery('ALERTS', 300_000, 570_000, 30_000);
    expect(alerts.result.map((s) => [s.metric['alertstate'], s.ts.map((x) => x / 1000)])).toEqual([
      ['firing', [390, 420, 450, 480, 510]],
      ['pending', [330, 360]],
    ]);
    const forState = await engine.instantQuery('ALERTS_FOR_STATE', 400_000);
    expect(forState.resultType === 'vector' && forState.result.map((s) => s.v)).toEqual([330]);
  });

  it('backtest replays the groups over history without writing into the store', async () => {
    const { store, groups } = setup();
    fill(store, 900_000);
    const t = await backtest([groups.alerter], { from: 30_000, to: 900_001, stepMs: 30_000 });
    expect(t.map((x) => `${x.alert.labels['alertname']}:${x.alert.state}@${x.at / 1000}`)).toEqual([
      'HighErrorRate:pending@330',
      'HighErrorRate:firing@390',
      'HighErrorRate:resolved@540',
    ]);
    expect(
      store.readSeries(
        [{ name: '__name__', op: '=~', value: 'job:.*|ALERTS', regex: /^(?:job:.*|ALERTS)$/ }],
        0,
        Infinity,
      ),
    ).toEqual([]);
    expect(groups.alerts().alerts).toEqual([]);
  });

  it('serves /api/v1/rules and /api/v1/alerts in Prometheus 2.42 shape', async () => {
    const { store, groups } = setup();
    fill(store, 400_000);
    expect(groups.rules().groups[0]!.rules[0]).toMatchObject({
      health: 'unknown',
      lastEvaluation: '0001-01-01T00:00:00Z',
    });
    for (let t = 330_000; t <= 390_000; t += 30_000) await groups.evaluateAt(t);
    const alert = {
      labels: { alertname: 'HighErrorRate', job: 'api', severity: 'page', team: 'web' },
      annotations: { summary: 'api fails 3/s' },
      state: 'firing',
      activeAt: '1970-01-01T00:05:30Z',
      value: '3e+00',
    };
    expect(groups.alerts()).toEqual({ alerts: [alert] });
    const [g] = groups.rules().groups;
    expect(g).toMatchObject({
      name: 'errors',
      file: 'errors.yml',
      interval: 30,
      limit: 0,
      lastEvaluation: '1970-01-01T00:06:30Z',
    });
    expect(g!.rules.map((r) => ({ ...r, evaluationTime: 0 }))).toEqual([
      {
        name: 'job:http_errors:rate1m',
        query: 'sum by (job) (rate(http_requests_total{code=~"5.."}[1m]))',
        labels: { team: 'web' },
        health: 'ok',
        evaluationTime: 0,
        lastEvaluation: '1970-01-01T00:06:30Z',
        type: 'recording',
      },
      {
        state: 'firing',
        name: 'HighErrorRate',
        query: 'job:http_errors:rate1m > 1',
        duration: 60,
        keepFiringFor: 0,
        labels: { severity: 'page' },
        annotations: { summary: '{{ $labels.job }} fails {{ $value }}/s' },
        alerts: [alert],
        health: 'ok',
        evaluationTime: 0,
        lastEvaluation: '1970-01-01T00:06:30Z',
        type: 'alerting',
      },
    ]);
    expect(groups.rules('record').groups[0]!.rules.map((r) => r['type'])).toEqual(['recording']);
  });

  it('marks a failing rule err with its error and goes on with the group', async () => {
    const store = createStore();
    stores.push(store);
    const text = `
groups:
  - name: g
    rules:
      - alert: Dup
        expr: label_replace(up, "instance", "x", "", "")
      - alert: Fine
        expr: vector(1)
`;
    store.append({ __name__: 'up', instance: 'a' }, 0, 1);
    store.append({ __name__: 'up', instance: 'b' }, 0, 1);
    const groups = ruleGroups({ files: [{ file: 'f.yml', text }], queryable: storeQueryable(store) });
    const [out] = await groups.evaluateAt(10_000);
    expect(out!.alerts.map((a) => a.labels['alertname'])).toEqual(['Fine']);
    const [dup, fine] = groups.rules().groups[0]!.rules;
    expect(dup).toMatchObject({ health: 'err', lastError: expect.stringMatching(/same labelset/) });
    expect(fine).toMatchObject({ health: 'ok', state: 'firing' });
  });

  it('refuses a recording rule without an appender, naming the rule and the fix', () => {
    const store = createStore();
    stores.push(store);
    expect(() =>
      ruleGroups({ files: [{ file: 'errors.yml', text: RULES }], queryable: storeQueryable(store) }),
    ).toThrow(
      /errors\.yml: group "errors" rule 0 \(job:http_errors:rate1m\): a recording rule needs the appender option/,
    );
  });

  it('runs on its interval in a pipeline: recorded series flow through it, alerts reach its sinks', async () => {
    const { store, groups } = setup();
    fill(store, 900_000);
    const clock = fakeClock({ now: 300_000 });
    const sink = memorySink();
    const pipeline = createPipeline({
      sources: [groups.source],
      alerters: [groups.alerter],
      sinks: [sink],
      clock,
      evaluateIntervalMs: 1_000,
    });
    await pipeline.start();
    // evaluations at 300, 330, …, 450 s; each runs asynchronously (the engine yields), so wait for the last one's
    // output to reach the sink instead of hoping one settle() is enough on a loaded machine
    for (let i = 0; i < 5; i++) await clock.advanceAsync(30_000);
    const recorded = () => sink.samples().filter((r) => r.labels['__name__'] === 'job:http_errors:rate1m');
    await waitUntil('the evaluation at 450 s in the sink', async () => {
      await settle();
      return recorded().some((r) => r.timestamp === 450_000);
    });
    await pipeline.stop({ timeoutMs: 1_000 });
    expect(sink.alerts().map((a) => `${a.labels['alertname']}:${a.state}@${a.startsAt / 1000}`)).toEqual([
      'HighErrorRate:pending@330',
      'HighErrorRate:firing@390',
    ]);
    expect(recorded().map((r) => r.timestamp / 1000)).toEqual([300, 330, 360, 390, 420, 450]);
  });
});

describe('ruleGroups: the query template function', () => {
  const QUERY_RULES = `
groups:
  - name: up
    interval: 15s
    rules:
      - alert: TargetSeen
        expr: up > 0
        labels: { seen: '{{ with query "count(up)" }}{{ . | first | value }}{{ end }} targets' }
        annotations:
          summary: '{{ with query "up" }}{{ . | first | value }}{{ end }}'
          total: '{{ query "sum(up)" | first | value }} at {{ $value }}'
`;

  it('renders annotations and labels with query answered by the in-process engine at the evaluation time', async () => {
    const store = createStore();
    stores.push(store);
    // one target whose up value rises 1, 2, 3… every 15 s (a value per evaluation, to see which time the query used)
    for (let t = 0; t <= 60_000; t += 15_000)
      store.append({ __name__: 'up', job: 'node', instance: 'a' }, t, 1 + t / 15_000);
    const groups = ruleGroups({
      files: [{ file: 'up.yml', text: QUERY_RULES }],
      queryable: storeQueryable(store),
      appender: store,
    });
    const [first] = await groups.evaluateAt(15_000);
    expect(first!.alerts.map((a) => [a.state, a.labels['seen'], a.annotations])).toEqual([
      ['firing', '1 targets', { summary: '2', total: '2 at 2' }],
    ]);
    await groups.evaluateAt(45_000);
    expect(groups.alerts().alerts.map((a) => a.annotations)).toEqual([{ summary: '4', total: '4 at 4' }]);
    expect(groups.rules('alert').groups[0]!.rules[0]).toMatchObject({ health: 'ok' });
  });
});

describe('ruleGroups: templated labels are rendered at every evaluation (the alert identity)', () => {
  const LEVEL_RULES = `
groups:
  - name: level
    interval: 15s
    rules:
      - alert: Level
        expr: level > 0
        for: 1m
        labels: { level: '{{ $value }}' }
      - alert: LevelNow
        expr: level > 0
        labels: { level: '{{ $value }}' }
      - alert: SameLabels
        expr: level > 0 or other > 0
        labels: { instance: fixed }
`;

  it('a changed label value ends the old alert and starts another, as Prometheus keys alerts by labels', async () => {
    const store = createStore();
    stores.push(store);
    // 1, 1, 2: the label changes at the third evaluation
    for (const [t, v] of [
      [0, 1],
      [15_000, 1],
      [30_000, 2],
    ] as const)
      store.append({ __name__: 'level', instance: 'a' }, t, v);
    store.append({ __name__: 'other', instance: 'b' }, 0, 1);
    const groups = ruleGroups({
      files: [{ file: 'l.yml', text: LEVEL_RULES }],
      queryable: storeQueryable(store),
    });
    const changes = async (t: number) =>
      (await groups.evaluateAt(t)).flatMap((o) =>
        o.alerts.map((a) => `${a.labels['alertname']} ${a.labels['level']} ${a.state}`),
      );
    expect(await changes(0)).toEqual(['Level 1 pending', 'LevelNow 1 firing']);
    expect(await changes(15_000)).toEqual([]);
    expect(await changes(30_000)).toEqual([
      'Level 2 pending',
      'Level 1 inactive',
      'LevelNow 2 firing',
      'LevelNow 1 resolved',
    ]);
    expect(groups.alerts().alerts.map((a) => [a.labels['alertname'], a.labels['level'], a.activeAt])).toEqual(
      [
        ['Level', '2', '1970-01-01T00:00:30Z'],
        ['LevelNow', '2', '1970-01-01T00:00:30Z'],
      ],
    );
    // two series that the rule's labels make identical are Prometheus's error, not two alerts
    expect(groups.rules().groups[0]!.rules[2]).toMatchObject({
      health: 'err',
      lastError: expect.stringMatching(/same labelset after applying alert labels/),
    });
  });
});
