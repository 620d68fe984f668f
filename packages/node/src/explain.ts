import type { Alert, Alerter, Finding, StageContext } from '@argus/core';

/** Findings remembered for the alerts built on them; older ones are forgotten past this. */
const MAX_FINDINGS = 1_000;

interface Active {
  alert: Alert;
  peak: Finding;
  /** When its series became active (kept while it stays active): the oldest wins among series of one alert. */
  since: number;
}

/**
 * Firing alerts by the series id of their findings, and found by fingerprint without a scan: the scan per alert
 * made a read's cost grow with the square of the alerts firing (2 ms a read at 10,000 watched series past warm-up).
 */
class ActiveAlerts {
  readonly bySeries = new Map<number, Active>();
  private readonly byFingerprint = new Map<string, Set<number>>();
  private order = 0;

  /** The series whose alert has `fingerprint`, the one active longest when several have (as a scan in order found). */
  held(fingerprint: string): [number, Active] | undefined {
    const ids = this.byFingerprint.get(fingerprint);
    if (ids === undefined) return undefined;
    let best: [number, Active] | undefined;
    for (const id of ids) {
      const x = this.bySeries.get(id)!;
      if (best === undefined || x.since < best[1].since) best = [id, x];
    }
    return best;
  }

  set(series: number, alert: Alert, peak: Finding): void {
    const x = this.bySeries.get(series);
    if (x === undefined) {
      this.bySeries.set(series, { alert, peak, since: this.order++ });
      this.index(alert.fingerprint, series);
      return;
    }
    if (x.alert.fingerprint !== alert.fingerprint) {
      this.unindex(x.alert.fingerprint, series);
      this.index(alert.fingerprint, series);
    }
    x.alert = alert;
    x.peak = peak;
  }

  delete(series: number): void {
    const x = this.bySeries.get(series);
    if (x === undefined) return;
    this.bySeries.delete(series);
    this.unindex(x.alert.fingerprint, series);
  }

  private index(fingerprint: string, series: number): void {
    const ids = this.byFingerprint.get(fingerprint);
    if (ids) ids.add(series);
    else this.byFingerprint.set(fingerprint, new Set([series]));
  }

  private unindex(fingerprint: string, series: number): void {
    const ids = this.byFingerprint.get(fingerprint)!;
    ids.delete(series);
    if (ids.size === 0) this.byFingerprint.delete(fingerprint);
  }
}

/**
 * Wraps an anomaly rule so its alerts carry what the shared alert text shows (see core's `formatAlertText`):
 * the metric, the value, the detector and its reason, the expected band, and the incident's peak (the value
 * farthest from what was expected). While an alert fires, a finding that beats the peak re-sends it with the
 * new peak (the alert manager keeps the latest annotations of a firing alert, and its RESOLVED carries them).
 * The rule's own state machine is unchanged.
 */
export function explainAnomalies(rule: Alerter): Alerter {
  const findings = new Map<string, Finding>();
  const active = new ActiveAlerts();
  const remember = (f: Finding): void => {
    findings.set(f.id, f);
    if (findings.size > MAX_FINDINGS) findings.delete(findings.keys().next().value!);
  };
  const enrich = (a: Alert, ctx: StageContext): Alert => {
    const ids = a.findings ?? [];
    const latest = findings.get(ids[ids.length - 1] ?? '');
    const held = active.held(a.fingerprint);
    const f = latest ?? held?.[1].peak;
    if (!f) return a;
    const peak = held && distance(held[1].peak) >= distance(f) ? held[1].peak : f;
    const out = withAnnotations(a, f, peak, ctx);
    if (a.state === 'firing') active.set(f.series, out, peak);
    else if (held) active.delete(held[0]);
    return out;
  };
  /** Firing alerts whose series got a finding farther out than their peak, re-sent with it. */
  const newPeaks = (input: readonly Finding[], ctx: StageContext, skip: Set<string>): Alert[] => {
    const out: Alert[] = [];
    for (const f of input) {
      const x = active.bySeries.get(f.series);
      if (!x || skip.has(x.alert.fingerprint) || distance(f) <= distance(x.peak)) continue;
      x.peak = f;
      x.alert = withAnnotations(x.alert, f, f, ctx);
      out.push(x.alert);
    }
    return out;
  };
  return {
    ...rule,
    evaluate(input, ctx) {
      for (const f of input.findings ?? []) remember(f);
      const alerts = (rule.evaluate(input, ctx) ?? []).map((a) => enrich(a, ctx));
      const changed = new Set(alerts.map((a) => a.fingerprint));
      const updates = newPeaks(input.findings ?? [], ctx, changed);
      return alerts.length + updates.length > 0 ? [...alerts, ...updates] : undefined;
    },
  };
}

function withAnnotations(a: Alert, f: Finding, peak: Finding, ctx: StageContext): Alert {
  return {
    ...a,
    annotations: {
      ...a.annotations,
      metric: ctx.series.labels(f.series)['__name__'] ?? '',
      // notified alerts carry no value field: the text reads it from here
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
  };
}

function distance(f: Finding): number {
  return Math.abs(f.value - (f.expected?.value ?? 0));
}
