import type { ExpressionEvaluator } from '@argus/alerting';
import type { Alerter, Clock, Detector, Logger } from '@argus/core';
import type { MetricsJsonRegistry } from '@argus/source-prometheus';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/** A default rule: its options, or `false` to turn it off. */
export type RuleToggle<T> = false | T;

/** Shared by the default rules. */
export interface DefaultRuleOptions {
  /** How long the condition must hold before the alert fires, in ms. */
  forMs?: number;
  /** The alert's `severity` label. */
  severity?: string;
}

/** The default rules of {@link startArgus}; each documented in the README, each overridable or `false`. */
export interface DefaultRules {
  /** `EventLoopLagHigh`: `nodejs_eventloop_lag_p99_seconds > thresholdSeconds` (0.2 s) for 1 min. */
  eventLoopLag?: RuleToggle<DefaultRuleOptions & { thresholdSeconds?: number }>;
  /** `HeapNearLimit`: `nodejs_heap_size_used_bytes > limitRatio` (0.85) × V8's heap limit for 5 min. */
  heap?: RuleToggle<DefaultRuleOptions & { limitRatio?: number }>;
  /** `HighErrorRate`: `argus:http_error_ratio > threshold` (0.05: 5 % of requests 5xx) for 2 min. */
  errorRate?: RuleToggle<DefaultRuleOptions & { threshold?: number }>;
  /**
   * `AnomalyDetected`: n (1) of the last m (2) points of a series carry a finding ≥ minScore (0.5): it fires on
   * the first anomalous point and resolves on the second normal one (keepFiringForMs 0 holds it no longer; with
   * your own `detectors`, which may report one finding per episode, it is held 300000 ms). Its `selector`
   * defaults to `watch`: a finding on any watched series counts.
   */
  anomalies?: RuleToggle<
    DefaultRuleOptions & {
      selector?: string;
      minScore?: number;
      n?: number;
      m?: number;
      keepFiringForMs?: number;
    }
  >;
}

/** Where notifications go. */
export interface NotifyOptions {
  /** Print notifications to stdout. @default true */
  console?: boolean;
  /** Also POST Alertmanager's webhook payload v4 here. */
  url?: string;
  /** @deprecated Renamed `url` (the outbound address is `url` everywhere); accepted with a warning. */
  webhookUrl?: string;
  /** Alertmanager's group_wait, in ms: how long the first notification of a group waits for more alerts. @default 5000 */
  groupWaitMs?: number;
  /** Alertmanager's group_interval, in ms: updates of a notified group (e.g. RESOLVED) wait at most this. @default 10000 */
  groupIntervalMs?: number;
  /** Alertmanager's repeat_interval, in ms. @default 14400000 */
  repeatIntervalMs?: number;
}

/** Options of {@link startArgus}. */
export interface StartArgusOptions {
  /** The prom-client registry to watch. @default prom-client's global `register` */
  registry?: MetricsJsonRegistry;
  /** Time between reads of the registry, in ms. @default 15000 */
  intervalMs?: number;
  /** Labels added to every series, e.g. `{ service: 'api' }`. @default {} */
  labels?: Record<string, string>;
  /** Detectors to run. @default [ensembleDetector({})] */
  detectors?: Detector[];
  /** Series the detectors score (PromQL selector). @default {@link DEFAULT_WATCH_SELECTOR} */
  watch?: string;
  /** The default rules: override their options or turn each off with `false`. */
  rules?: DefaultRules;
  /** More alerters, run beside the default rules. @default [] */
  alerters?: Alerter[];
  /**
   * Prometheus rule files (paths) to run: every group in process on the PromQL engine over the recorded history,
   * recording rules included, unless `ruleEvaluator` is given. @default []
   */
  ruleFiles?: string[];
  /**
   * Evaluates the rule files' expressions on a Prometheus server instead (`prometheusEvaluator` of
   * @argus/source-prometheus); recording rules are then skipped. @default in process
   */
  ruleEvaluator?: ExpressionEvaluator;
  /** Where notifications go. @default console only */
  notify?: NotifyOptions;
  /** Directory for learned state (`<dataDir>/state`) and, with `persistHistory`, history. @default '.argus' */
  dataDir?: string;
  /** Keep recorded history in `<dataDir>/store` across restarts. @default false (in memory) */
  persistHistory?: boolean;
  /** How long history is kept, in ms. @default 86400000 */
  retentionMs?: number;
  /** Counter whose 5xx share is the error ratio. @default 'http_requests_total' */
  requestsMetric?: string;
  /** Label of that counter holding the status code. @default 'status' */
  statusLabel?: string;
  /** Registry Argus's own metrics are registered in. @default a new Registry (kept apart from the one watched) */
  exporterRegistry?: Registry;
  /** Start-up and warm-up lines (info), warnings and plugin errors. @default consoleLogger('info') */
  logger?: Logger;
  /** Time source for reads, rules and notification timers (tests pass a fake clock). @default the system clock */
  clock?: Clock;
}

const ms = z.number().int().positive();
const base = {
  forMs: z.number().int().min(0).optional().describe('How long the condition must hold before firing, in ms'),
  severity: z.string().min(1).optional().describe("The alert's severity label"),
};
const toggle = <T extends z.ZodRawShape>(shape: T, what: string) =>
  z
    .union([z.literal(false), z.strictObject({ ...base, ...shape })])
    .optional()
    .describe(`${what}; false turns it off`);
const isRegistry = (r: unknown): boolean =>
  typeof (r as MetricsJsonRegistry | null)?.getMetricsAsJSON === 'function';

/** Options schema of {@link startArgus}. */
export const startArgusSchema: z.ZodType<StartArgusOptions> = z.strictObject({
  registry: z
    .custom<MetricsJsonRegistry>(isRegistry, 'a prom-client Registry (an object with getMetricsAsJSON())')
    .optional()
    .describe("The prom-client Registry to watch; default: prom-client's global register"),
  intervalMs: ms.optional().describe('Time between reads of the registry, in ms'),
  labels: z
    .record(z.string().regex(/^[a-zA-Z_]\w*$/), z.string())
    .optional()
    .describe('Labels added to every series'),
  detectors: z
    .array(z.custom<Detector>((d) => (d as Detector | null)?.kind === 'detector', 'a detector plugin'))
    .optional()
    .describe('Detectors to run; default: the ensemble'),
  watch: z.string().min(1).optional().describe('PromQL selector of the series the detectors score'),
  rules: z
    .strictObject({
      eventLoopLag: toggle({ thresholdSeconds: z.number().positive().optional() }, 'EventLoopLagHigh rule'),
      heap: toggle({ limitRatio: z.number().gt(0).lte(1).optional() }, 'HeapNearLimit rule'),
      errorRate: toggle({ threshold: z.number().gt(0).lte(1).optional() }, 'HighErrorRate rule'),
      anomalies: toggle(
        {
          selector: z.string().min(1).optional(),
          minScore: z.number().gt(0).lte(1).optional(),
          n: z.number().int().positive().optional(),
          m: z.number().int().positive().optional(),
          keepFiringForMs: z.number().int().min(0).optional(),
        },
        'AnomalyDetected rule',
      ),
    })
    .optional()
    .describe('The default rules: options to override, or false to turn one off'),
  alerters: z
    .array(z.custom<Alerter>((a) => (a as Alerter | null)?.kind === 'alerter', 'an alerter plugin'))
    .optional()
    .describe('More alerters, beside the default rules'),
  ruleFiles: z
    .array(z.string().min(1))
    .optional()
    .describe('Prometheus rule files to run, in process over the recorded history by default'),
  ruleEvaluator: z
    .custom<ExpressionEvaluator>(
      (e) => typeof (e as ExpressionEvaluator | null)?.query === 'function',
      'an ExpressionEvaluator (an object with query())',
    )
    .optional()
    .describe('Evaluates the rule files on a Prometheus server instead of in process'),
  notify: z
    .strictObject({
      console: z.boolean().optional().describe('Print notifications to stdout'),
      url: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe("POST Alertmanager's webhook payload here"),
      webhookUrl: z
        .url({ protocol: /^https?$/ })
        .optional()
        .describe('Deprecated: renamed url'),
      groupWaitMs: ms.optional().describe("Alertmanager's group_wait, in ms"),
      groupIntervalMs: ms.optional().describe("Alertmanager's group_interval, in ms"),
      repeatIntervalMs: ms.optional().describe("Alertmanager's repeat_interval, in ms"),
    })
    .optional()
    .describe('Where notifications go'),
  dataDir: z.string().min(1).optional().describe('Directory for learned state and persisted history'),
  persistHistory: z.boolean().optional().describe('Keep recorded history in <dataDir>/store across restarts'),
  retentionMs: ms.optional().describe('How long history is kept, in ms'),
  requestsMetric: z.string().min(1).optional().describe('Counter whose 5xx share is the error ratio'),
  statusLabel: z.string().min(1).optional().describe('Label of that counter holding the status code'),
  exporterRegistry: z
    .custom<Registry>(
      (r) => typeof (r as Registry | null)?.registerMetric === 'function',
      'a prom-client Registry',
    )
    .optional()
    .describe("Registry Argus's own metrics go into; default: a new one"),
  logger: z
    .custom<Logger>((l) => typeof (l as Logger | null)?.warn === 'function', 'a Logger')
    .optional()
    .describe('Logger for warnings and errors'),
  clock: z
    .custom<Clock>(
      (c) => typeof (c as Clock | null)?.now === 'function' && typeof (c as Clock).setTimeout === 'function',
      'a Clock (now, setTimeout, clearTimeout)',
    )
    .optional()
    .describe('Time source; default: the system clock'),
}) as unknown as z.ZodType<StartArgusOptions>;
