import type { Alert, Alerter, AlerterInput, Finding, Labels, StageContext } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { explainAnomalies } from '../src/explain.js';

/** xorshift32: the same sequence of operations on every run. */
function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** explainAnomalies as it was before its firing alerts were indexed by fingerprint: the reference. */
function scanningExplain(rule: Alerter): Alerter {
  const findings = new Map<string, Finding>();
  const active = new Map<number, { alert: Alert; peak: Finding }>();
  const remember = (f: Finding): void => {
    findings.set(f.id, f);
    if (findings.size > 1_000) findings.delete(findings.keys().next().value!);
  };
  const distance = (f: Finding): number => Math.abs(f.value - (f.expected?.value ?? 0));
  const annotate = (a: Alert, f: Finding, peak: Finding, ctx: StageContext): Alert => ({
    ...a,
    annotations: {
      ...a.annotations,
      metric: ctx.series.labels(f.series)['__name__'] ?? '',
      value: String(a.state === 'firing' ? f.value : (a.value ?? f.value)),
      detector: f.detector,
      reason: f.explanation,
      ...(f.expected
        ? {
            expected: String(f.expected.value),
            lower: String(f.expected.lower),
            upper: String(f.expected.upper),
          }
        : {}),
      peak: String(peak.value),
    },
  });
  const enrich = (a: Alert, ctx: StageContext): Alert => {
    const ids = a.findings ?? [];
    const latest = findings.get(ids[ids.length - 1] ?? '');
    const held = [...active.entries()].find(([, x]) => x.alert.fingerprint === a.fingerprint);
    const f = latest ?? held?.[1].peak;
    if (!f) return a;
    const peak = held && distance(held[1].peak) >= distance(f) ? held[1].peak : f;
    const out = annotate(a, f, peak, ctx);
    if (a.state === 'firing') active.set(f.series, { alert: out, peak });
    else if (held) active.delete(held[0]);
    return out;
  };
  return {
    ...rule,
    evaluate(input, ctx) {
      for (const f of input.findings ?? []) remember(f);
      const alerts = (rule.evaluate(input, ctx) ?? []).map((a) => enrich(a, ctx));
      const changed = new Set(alerts.map((a) => a.fingerprint));
      const updates: Alert[] = [];
      for (const f of input.findings ?? []) {
        const x = active.get(f.series);
        if (!x || changed.has(x.alert.fingerprint) || distance(f) <= distance(x.peak)) continue;
        x.peak = f;
        x.alert = annotate(x.alert, f, f, ctx);
        updates.push(x.alert);
      }
      return alerts.length + updates.length > 0 ? [...alerts, ...updates] : undefined;
    },
  };
}

/**
 * A rule whose alerts are drawn from `plan`: several series may share an alert (a grouped rule), an alert may be
 * sent again firing with another series' finding, and a series' alert may change fingerprint.
 */
function plannedRule(plan: Map<AlerterInput, Alert[]>): Alerter {
  return { kind: 'alerter', name: 'planned', apiVersion: 1, evaluate: (input) => plan.get(input) ?? [] };
}

describe('explainAnomalies', () => {
  it('annotates alerts exactly as the scan over firing alerts did (random findings, states and groups)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(seed * 7919);
      const plan = new Map<AlerterInput, Alert[]>();
      const ctx = {
        series: { labels: (id: number): Labels => ({ __name__: `m${id % 5}`, id: String(id) }) },
      } as unknown as StageContext;
      const ours = explainAnomalies(plannedRule(plan));
      const ref = scanningExplain(plannedRule(plan));
      let n = 0;
      for (let step = 0; step < 200; step++) {
        const findings: Finding[] = [];
        for (let k = r(6); k > 0; k--) {
          const series = r(12);
          findings.push({
            id: `f${n++}`,
            series,
            timestamp: step,
            value: r(100) - 50,
            score: r(100) / 100,
            detector: `d${r(3)}`,
            explanation: `why ${r(4)}`,
            ...(r(3) > 0 ? { expected: { value: r(20) - 10, lower: -20, upper: 20 } } : {}),
          } as Finding);
        }
        const alerts: Alert[] = [];
        for (let k = r(4); k > 0; k--) {
          const ids =
            r(4) === 0
              ? []
              : [findings.length > 0 && r(4) > 0 ? findings[r(findings.length)]!.id : `f${r(n + 3)}`];
          const state = (['firing', 'firing', 'resolved', 'pending', 'inactive'] as const)[r(5)]!;
          alerts.push({
            labels: { alertname: 'A', group: String(r(6)) },
            annotations: { summary: `s${r(9)}` },
            state,
            startsAt: step,
            fingerprint: `fp${r(6)}`,
            origin: 'planned',
            value: r(10),
            findings: ids,
          } as Alert);
        }
        const input: AlerterInput = findings.length > 0 ? { findings } : {};
        plan.set(input, alerts);
        expect(ours.evaluate(input, ctx), `seed ${seed} step ${step}`).toEqual(ref.evaluate(input, ctx));
        plan.delete(input);
      }
    }
  });
});
