import type { Finding, FindingVerdict } from '@argus/core';
import { batchFromRows, testStageContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { type PredictiveRuleOptions, predictiveRule } from '../src/index.js';
import { driver } from './helpers.js';

const DISK = { __name__: 'disk_used_ratio', instance: 'db-1', job: 'node' };
const H = 3_600_000;

function rig(opts: Partial<PredictiveRuleOptions> = {}) {
  const alerter = predictiveRule({ alert: 'DiskFillsSoon', ...opts });
  const d = driver(alerter);
  const id = d.series.intern(DISK);
  let n = 0;
  const forecast = (ts: number, over: Partial<Finding> = {}): Finding => ({
    id: `f${++n}`,
    series: id,
    timestamp: ts,
    value: 0.8,
    score: 0.9,
    kind: 'forecastBreach',
    expected: { value: 0.97, lower: 0.93, upper: 1.01 },
    detector: 'trend',
    explanation: 'forecast 0.97 (band 0.93..1.01) crosses the limit within 21600 s; now 0.8',
    ...over,
  });
  /** One point of the disk series at `ts`, with the findings of that batch. */
  const point = (ts: number, findings: Finding[] = []) =>
    d.tick(ts, { metrics: batchFromRows(d.series, [{ labels: DISK, timestamp: ts, value: 0.8 }]), findings });
  const verdict = (f: Finding, ts: number, v: Omit<FindingVerdict, 'detector' | 'at'>) =>
    d.tick(ts, { updatedFindings: [{ ...f, verdicts: [{ detector: 'ollama', at: ts, ...v }] }] });
  return { d, alerter, forecast, point, verdict };
}

const states = (alerts: { state: string }[]) => alerts.map((a) => a.state);

describe('predictiveRule', () => {
  it('fires on a forecast breach and resolves when the forecast no longer crosses the limit', () => {
    const { forecast, point } = rig();
    const [a] = point(0, [forecast(0)]);
    expect(a).toMatchObject({
      state: 'firing',
      labels: { alertname: 'DiskFillsSoon', instance: 'db-1', job: 'node' },
      annotations: { forecast: expect.stringMatching(/crosses the limit/), forecast_value: '0.97' },
    });
    expect(point(60_000, [forecast(60_000)])).toEqual([]);
    expect(states(point(120_000))).toEqual(['resolved']);
  });

  it('notDismissed (default): a later dismissal by the judge resolves it; the assessment is annotated', () => {
    const { forecast, point, verdict } = rig();
    const f = forecast(0);
    expect(states(point(0, [f]))).toEqual(['firing']);
    const [a] = verdict(f, 5_000, { confirmed: false, explanation: 'a log rotation frees space hourly' });
    expect(a).toMatchObject({
      state: 'resolved',
      annotations: { ai_confirmed: 'false', ai_assessment: 'a log rotation frees space hourly' },
    });
  });

  it('confirmed: only a confirming verdict fires, with its explanation and confidence', () => {
    const { forecast, point, verdict } = rig({ verdict: 'confirmed', forMs: 0 });
    const f = forecast(0);
    expect(point(0, [f])).toEqual([]);
    const [a] = verdict(f, 8_000, {
      confirmed: true,
      explanation: 'steady growth of 2 %/h since the deploy',
      details: { confidence: 0.8 },
    });
    expect(a).toMatchObject({
      state: 'firing',
      startsAt: 8_000,
      annotations: {
        ai_confirmed: 'true',
        ai_assessment: 'steady growth of 2 %/h since the deploy',
        ai_confidence: '0.8',
      },
    });
  });

  it('confirmedOrUnavailable: a forecast the judge could not answer fires and says why', () => {
    const { forecast, point, verdict } = rig({ verdict: 'confirmedOrUnavailable' });
    const f = forecast(0);
    expect(point(0, [f])).toEqual([]);
    const [a] = verdict(f, 1_000, { unjudged: 'unavailable' });
    expect(a).toMatchObject({ state: 'firing', annotations: { ai_unjudged: 'unavailable' } });
    // the same policy, a dismissal: nothing fires
    const other = rig({ verdict: 'confirmedOrUnavailable' });
    const g = other.forecast(0);
    other.point(0, [g]);
    expect(other.verdict(g, 1_000, { confirmed: false })).toEqual([]);
  });

  it('ignore: the judge changes nothing; low scores, other kinds and other series do not count', () => {
    const { d, forecast, point, verdict } = rig({
      verdict: 'ignore',
      selector: 'disk_used_ratio',
      minScore: 0.7,
    });
    expect(point(0, [forecast(0, { score: 0.6 }), forecast(0, { kind: 'spike', id: 'x' })])).toEqual([]);
    const f = forecast(H);
    expect(states(point(H, [f]))).toEqual(['firing']);
    expect(verdict(f, H + 1, { confirmed: false })).toEqual([]);
    const cpu = d.series.intern({ __name__: 'cpu', instance: 'db-1' });
    expect(d.tick(H + 2, { findings: [forecast(H + 2, { series: cpu })] })).toEqual([]);
  });

  it('a forecast that starts mid-batch fires: the points before it do not end it', () => {
    const { d, forecast } = rig();
    const rows = [0, 1, 2].map((k) => ({ labels: DISK, timestamp: k * 60_000, value: 0.8 }));
    const out = d.tick(120_000, {
      metrics: batchFromRows(d.series, rows),
      findings: [forecast(60_000), forecast(120_000)],
    });
    expect(states(out)).toEqual(['firing']);
  });

  it('for: pending first, firing once the forecast held forMs', () => {
    const { forecast, point } = rig({ forMs: 60_000 });
    expect(states(point(0, [forecast(0)]))).toEqual(['pending']);
    expect(states(point(60_000, [forecast(60_000)]))).toEqual(['firing']);
  });

  it('a firing alert restored from a snapshot resolves at its series’ next point without a forecast', () => {
    const first = rig();
    first.point(0, [first.forecast(0)]);
    const state = first.alerter.snapshot!(testStageContext({ now: 0, series: first.d.series }));
    const second = rig();
    second.alerter.restore!(
      JSON.parse(JSON.stringify(state)),
      testStageContext({ now: 0, series: second.d.series }),
    );
    expect(states(second.point(60_000))).toEqual(['resolved']);
  });
});
