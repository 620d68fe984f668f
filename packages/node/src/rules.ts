import { getHeapStatistics } from 'node:v8';
import { anomalyRule, thresholdRule } from '@argus/alerting';
import type { Alerter } from '@argus/core';
import { ERROR_RATIO_METRIC } from './derive.js';
import { explainAnomalies } from './explain.js';
import type { DefaultRules } from './options.js';

/**
 * Series the detectors score by default: the derived ones (`argus:<histogram>:mean`, `argus:http_error_ratio`),
 * event-loop lag p99 and heap used. Raw counters and buckets only ever grow, so they are left out.
 */
export const DEFAULT_WATCH_SELECTOR =
  '{__name__=~"argus:.+|nodejs_eventloop_lag_p99_seconds|nodejs_heap_size_used_bytes"}';

type Options<K extends keyof DefaultRules> = Exclude<DefaultRules[K], false> | undefined;

/** What the default rules need to know of the detectors they follow. */
export interface DefaultRulesContext {
  /**
   * `AnomalyDetected`'s `keepFiringForMs` when not set: 0 behind the preset's detectors, which report every
   * anomalous read of an incident; 300000 behind your own `detectors`, which may report one finding per episode.
   * @default 0
   */
  anomalyHoldMs?: number;
  /**
   * `AnomalyDetected`'s `selector` when not set: the series the detectors score (`startArgus`'s `watch`), so that
   * a finding on any watched series can fire it.
   * @default {@link DEFAULT_WATCH_SELECTOR}
   */
  watch?: string;
}

/** The default rules, with the user's overrides; a rule set to `false` is left out. */
export function defaultRules(rules: DefaultRules = {}, context: DefaultRulesContext = {}): Alerter[] {
  const { eventLoopLag, heap, errorRate, anomalies } = rules;
  return [
    ...(eventLoopLag === false ? [] : [lagRule(eventLoopLag)]),
    ...(heap === false ? [] : [heapRule(heap)]),
    ...(errorRate === false ? [] : [errorRule(errorRate)]),
    ...(anomalies === false ? [] : [anomaliesRule(anomalies, context.anomalyHoldMs ?? 0, context.watch)]),
  ];
}

function lagRule(o: Options<'eventLoopLag'>): Alerter {
  return thresholdRule({
    alert: 'EventLoopLagHigh',
    selector: 'nodejs_eventloop_lag_p99_seconds',
    op: '>',
    threshold: o?.thresholdSeconds ?? 0.2,
    forMs: o?.forMs ?? 60_000,
    severity: o?.severity ?? 'warning',
    annotations: {
      summary: 'event-loop lag p99 is {{ $value | printf "%.3f" }} s',
      metric: 'nodejs_eventloop_lag_p99_seconds',
      value: '{{ $value }}',
      upper: String(o?.thresholdSeconds ?? 0.2),
      hint: 'something synchronous blocks the event loop: profile with node --cpu-prof, look for sync I/O or JSON on big payloads',
    },
  });
}

function heapRule(o: Options<'heap'>): Alerter {
  // the V8 limit, not heap_size_total: V8 grows the total on demand, so used/total is high in healthy services
  const limit = getHeapStatistics().heap_size_limit;
  return thresholdRule({
    alert: 'HeapNearLimit',
    selector: 'nodejs_heap_size_used_bytes',
    op: '>',
    threshold: Math.round((o?.limitRatio ?? 0.85) * limit),
    forMs: o?.forMs ?? 300_000,
    severity: o?.severity ?? 'warning',
    annotations: {
      summary: 'heap used is {{ humanize $value }}B, near the V8 limit',
      metric: 'nodejs_heap_size_used_bytes',
      value: '{{ $value }}',
      upper: String(Math.round((o?.limitRatio ?? 0.85) * limit)),
      hint: 'take a heap snapshot (node --heapsnapshot-signal=SIGUSR2) and compare two of them for what grows',
    },
  });
}

function errorRule(o: Options<'errorRate'>): Alerter {
  return thresholdRule({
    alert: 'HighErrorRate',
    selector: ERROR_RATIO_METRIC,
    op: '>',
    threshold: o?.threshold ?? 0.05,
    forMs: o?.forMs ?? 120_000,
    severity: o?.severity ?? 'critical',
    annotations: {
      summary: '{{ humanizePercentage $value }} of requests fail with 5xx',
      metric: ERROR_RATIO_METRIC,
      value: '{{ $value }}',
      upper: String(o?.threshold ?? 0.05),
      hint: "read the service's error logs for the failing routes; a dependency that is down shows as 502/503",
    },
  });
}

function anomaliesRule(o: Options<'anomalies'>, holdMs: number, watch: string | undefined): Alerter {
  return explainAnomalies(
    anomalyRule({
      alert: 'AnomalyDetected',
      selector: o?.selector ?? watch ?? DEFAULT_WATCH_SELECTOR,
      minScore: o?.minScore ?? 0.5,
      // the preset's detectors report every anomalous point of an incident, so one point fires at once and two
      // normal points in a row resolve it: RESOLVED follows the incident's end by one read (holdMs 0)
      n: o?.n ?? 1,
      m: o?.m ?? 2,
      forMs: o?.forMs ?? 0,
      keepFiringForMs: o?.keepFiringForMs ?? holdMs,
      severity: o?.severity ?? 'warning',
      // alert labels drop __name__, and the derived series have no other label to tell their alerts apart
      labels: { series: '{{ $labels.__name__ }}' },
      annotations: {
        summary: 'unusual value {{ $value | printf "%.4g" }} of {{ $labels.__name__ }}',
        hint: 'look at what changed just before it began (deploys, traffic, dependencies); argus.store.range() holds the history',
      },
    }),
  );
}
