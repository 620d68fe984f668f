import { getHeapStatistics } from 'node:v8';
import { anomalyRule, thresholdRule } from '@argus/alerting';
import type { Alerter } from '@argus/core';
import { ERROR_RATIO_METRIC } from './derive.js';
import type { DefaultRules } from './options.js';

/**
 * Series the detectors score by default: the derived ones (`argus:<histogram>:mean`, `argus:http_error_ratio`),
 * event-loop lag p99 and heap used. Raw counters and buckets only ever grow, so they are left out.
 */
export const DEFAULT_WATCH_SELECTOR =
  '{__name__=~"argus:.+|nodejs_eventloop_lag_p99_seconds|nodejs_heap_size_used_bytes"}';

/** The default rules, with the user's overrides; a rule set to `false` is left out. */
export function defaultRules(rules: DefaultRules = {}): Alerter[] {
  const out: Alerter[] = [];
  const { eventLoopLag: lag, heap, errorRate, anomalies } = rules;
  if (lag !== false) {
    out.push(
      thresholdRule({
        alert: 'EventLoopLagHigh',
        selector: 'nodejs_eventloop_lag_p99_seconds',
        op: '>',
        threshold: lag?.thresholdSeconds ?? 0.2,
        forMs: lag?.forMs ?? 60_000,
        severity: lag?.severity ?? 'warning',
        annotations: { summary: 'event-loop lag p99 is {{ $value | printf "%.3f" }} s' },
      }),
    );
  }
  if (heap !== false) {
    // the V8 limit, not heap_size_total: V8 grows the total on demand, so used/total is high in healthy services
    const limit = getHeapStatistics().heap_size_limit;
    out.push(
      thresholdRule({
        alert: 'HeapNearLimit',
        selector: 'nodejs_heap_size_used_bytes',
        op: '>',
        threshold: Math.round((heap?.limitRatio ?? 0.85) * limit),
        forMs: heap?.forMs ?? 300_000,
        severity: heap?.severity ?? 'warning',
        annotations: { summary: 'heap used is {{ humanize $value }}B, near the V8 limit' },
      }),
    );
  }
  if (errorRate !== false) {
    out.push(
      thresholdRule({
        alert: 'HighErrorRate',
        selector: ERROR_RATIO_METRIC,
        op: '>',
        threshold: errorRate?.threshold ?? 0.05,
        forMs: errorRate?.forMs ?? 120_000,
        severity: errorRate?.severity ?? 'critical',
        annotations: { summary: '{{ humanizePercentage $value }} of requests fail with 5xx' },
      }),
    );
  }
  if (anomalies !== false) {
    out.push(
      anomalyRule({
        alert: 'AnomalyDetected',
        selector: anomalies?.selector ?? DEFAULT_WATCH_SELECTOR,
        minScore: anomalies?.minScore ?? 0.5,
        n: anomalies?.n ?? 1,
        m: anomalies?.m ?? 1,
        forMs: anomalies?.forMs ?? 0,
        keepFiringForMs: anomalies?.keepFiringForMs ?? 300_000,
        severity: anomalies?.severity ?? 'warning',
        // alert labels drop __name__, and the derived series have no other label to tell their alerts apart
        labels: { series: '{{ $labels.__name__ }}' },
        annotations: { summary: 'unusual value {{ $value | printf "%.4g" }} of {{ $labels.__name__ }}' },
      }),
    );
  }
  return out;
}
