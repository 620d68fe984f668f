import {
  type Alert,
  createSeriesRegistry,
  type Finding,
  metricBatch,
  type StageContext,
  silentLogger,
} from '@argus/core';
import { describe, expect, it } from 'vitest';
import { ewmaDetector, scoreThresholdAlerter } from '../src/index.js';

const series = createSeriesRegistry();
const id = series.intern({ __name__: 'queue_depth', service: 'checkout' });
const ctx: StageContext = {
  now: 0,
  mode: 'batch',
  series,
  log: silentLogger,
  metrics: { count() {}, gauge() {}, observe() {} },
};
const batch = (values: number[], t0 = 0) =>
  metricBatch(
    Int32Array.from(values, () => id),
    Float64Array.from(values, (_, i) => (t0 + i) * 1000),
    Float64Array.from(values),
  );
// a deterministic wiggle around 20
const normal = (n: number) => Array.from({ length: n }, (_, i) => 20 + Math.sin(i * 1.7) * 2);

describe('ewmaDetector', () => {
  it('reports points far from the baseline as spikes/dips with an expected band, and nothing else', () => {
    const d = ewmaDetector({ threshold: 4, warmupPoints: 10 });
    expect(d.detect!(batch(normal(50)), ctx)).toEqual([]);
    const out = d.detect!(batch([80, 20, -40], 50), ctx)!;
    expect(out.map((f) => [f.kind, f.timestamp])).toEqual([
      ['spike', 50_000],
      ['dip', 52_000],
    ]);
    expect(out[0]!.expected!.value).toBeCloseTo(20, 0);
    expect(out[0]!.score).toBeGreaterThan(0.9);
  });

  it('rejects bad options naming the field', () => {
    expect(() => ewmaDetector({ alpha: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining('alpha') }),
    );
  });
});

describe('scoreThresholdAlerter', () => {
  const finding = (t: number, score = 0.9): Finding => ({
    id: `f${t}`,
    series: id,
    timestamp: t * 1000,
    value: 80,
    score,
    kind: 'spike',
    detector: 'x',
    explanation: 'high',
    expected: { value: 20, lower: 10, upper: 30 },
  });

  it('fires after forPoints consecutive findings, resolves after resolvePoints normal points, reporting only changes', () => {
    const a = scoreThresholdAlerter({
      forPoints: 3,
      resolvePoints: 2,
      alertnames: { queue_depth: 'QueueBacklog' },
    });
    const changes: Alert[] = [];
    for (let t = 0; t < 12; t++) {
      const anomalous = t >= 3 && t < 7;
      const out = a.evaluate(
        { metrics: batch([anomalous ? 80 : 20], t), ...(anomalous ? { findings: [finding(t)] } : {}) },
        ctx,
      );
      changes.push(...(out ?? []));
    }
    expect(changes.map((c) => c.state)).toEqual(['firing', 'resolved']);
    const [firing, resolved] = changes;
    expect(firing).toMatchObject({
      startsAt: 3000,
      labels: { alertname: 'QueueBacklog', service: 'checkout', severity: 'warning' },
    });
    expect(firing!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(resolved).toMatchObject({ endsAt: 8000, fingerprint: firing!.fingerprint });
    expect(resolved!.annotations['peak']).toBe('80');
  });

  it('reports as peak the value farthest from expected among equal scores, not the last finding', () => {
    const a = scoreThresholdAlerter({ forPoints: 1, resolvePoints: 1 });
    const values = [60, 95, 70, 22];
    const changes: Alert[] = [];
    values.forEach((v, t) => {
      const f = { ...finding(t, 1), value: v };
      changes.push(...(a.evaluate({ metrics: batch([v], t), findings: [f] }, ctx) ?? []));
    });
    changes.push(...(a.evaluate({ metrics: batch([20], 4) }, ctx) ?? []));
    expect(changes.map((c) => c.state)).toEqual(['firing', 'resolved']);
    expect(changes[1]!.annotations['peak']).toBe('95');
  });

  it('ignores low scores and broken runs', () => {
    const a = scoreThresholdAlerter({ forPoints: 2, minScore: 0.8 });
    const out = [
      a.evaluate({ metrics: batch([80], 0), findings: [finding(0, 0.5)] }, ctx),
      a.evaluate({ metrics: batch([80], 1), findings: [finding(1, 0.5)] }, ctx),
      a.evaluate({ metrics: batch([80], 2), findings: [finding(2)] }, ctx),
      a.evaluate({ metrics: batch([20], 3) }, ctx),
      a.evaluate({ metrics: batch([80], 4), findings: [finding(4)] }, ctx),
    ].flatMap((x) => x ?? []);
    expect(out).toEqual([]);
  });
});

describe('snapshot and restore across a restart', () => {
  // a new process interns series in another order, so the restored state must follow the labels, not the id
  const restarted = (): { ctx: StageContext; id: number } => {
    const reg = createSeriesRegistry();
    reg.intern({ __name__: 'other' });
    return { ctx: { ...ctx, series: reg }, id: reg.intern({ __name__: 'queue_depth', service: 'checkout' }) };
  };
  const through = (state: unknown): unknown => JSON.parse(JSON.stringify(state));

  it('ewmaDetector keeps its baselines: no new warm-up, a spike right after the restart is reported', () => {
    const before = ewmaDetector({ threshold: 4, warmupSamples: 10 });
    expect(before.detect!(batch(normal(50)), ctx)).toEqual([]);
    const state = through(before.snapshot!(ctx));
    const after = ewmaDetector({ threshold: 4, warmupSamples: 10 });
    const r = restarted();
    after.restore!(state, r.ctx);
    const spike = metricBatch(Int32Array.of(r.id), Float64Array.of(50_000), Float64Array.of(80));
    const found = after.detect!(spike, r.ctx)!;
    expect(found.map((f) => [f.kind, f.series])).toEqual([['spike', r.id]]);
    expect(found[0]!.expected!.value).toBeCloseTo(20, 0);
    // a cold detector would still be warming up
    expect(ewmaDetector({ threshold: 4, warmupSamples: 10 }).detect!(spike, r.ctx)).toEqual([]);
  });

  it('scoreThresholdAlerter keeps a firing alert, which resolves after the restart with its peak', () => {
    const before = scoreThresholdAlerter({ forPoints: 2, resolvePoints: 2 });
    const f = (t: number, s = id): Finding => ({
      id: `f${t}`,
      series: s,
      timestamp: t * 1000,
      value: 90 + t,
      score: 0.9,
      kind: 'spike',
      detector: 'x',
      explanation: 'high',
      expected: { value: 20, lower: 10, upper: 30 },
    });
    const fired = [0, 1].flatMap(
      (t) => before.evaluate({ metrics: batch([90], t), findings: [f(t)] }, ctx) ?? [],
    );
    expect(fired.map((a) => a.state)).toEqual(['firing']);
    const state = through(before.snapshot!(ctx));
    const after = scoreThresholdAlerter({ forPoints: 2, resolvePoints: 2 });
    const r = restarted();
    after.restore!(state, r.ctx);
    const one = (t: number) =>
      metricBatch(Int32Array.of(r.id), Float64Array.of(t * 1000), Float64Array.of(20));
    const out = [2, 3].flatMap((t) => after.evaluate({ metrics: one(t) }, r.ctx) ?? []);
    expect(out.map((a) => [a.state, a.fingerprint, a.endsAt])).toEqual([
      ['resolved', fired[0]!.fingerprint, 3000],
    ]);
    expect(out[0]!.annotations['peak']).toBe('91');
  });

  it('refuses a snapshot that is not one, so the pipeline reports it and starts fresh', () => {
    expect(() => ewmaDetector().restore!({ nope: 1 }, ctx)).toThrow(/ewma: snapshot has no series map/);
    expect(() => scoreThresholdAlerter().restore!(null, ctx)).toThrow(/score-threshold: snapshot/);
  });
});
