import { z } from 'zod';

/** One rule of a Prometheus rule file (as Argus's rule groups load it): an alerting or a recording rule. */
export interface PromRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A parsed Prometheus rule file. */
export interface PromRuleFile {
  groups: { name: string; interval?: string; rules: PromRule[] }[];
}

/** Argus's threshold rule (`thresholdRule` of @argus/alerting), with `type: 'threshold'`. */
export interface ThresholdRuleSpec {
  type: 'threshold';
  alert: string;
  /** PromQL series selector, e.g. `node_load1{job="node"}`. */
  selector: string;
  /** @default '>' */
  op?: '>' | '>=' | '<' | '<=' | '==' | '!=';
  threshold: number;
  /** Hysteresis; Grafana's rule resolves at `threshold` (reported in `warnings`). */
  resolveThreshold?: number;
  /** Accepted so a `thresholdRule` options object can be passed as is; Grafana uses its own lookback. */
  staleAfterMs?: number;
  name?: string;
  generatorURL?: string;
  forMs?: number;
  keepFiringForMs?: number;
  severity?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Argus's absent rule (`absentRule` of @argus/alerting), with `type: 'absent'`. */
export interface AbsentRuleSpec {
  type: 'absent';
  alert: string;
  selector: string;
  /** A series (or the selector) with no sample for this long is absent. */
  absentForMs: number;
  /** @default 'selector' */
  per?: 'selector' | 'series';
  name?: string;
  generatorURL?: string;
  forMs?: number;
  keepFiringForMs?: number;
  severity?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Options of {@link grafanaAlertRules}. */
export interface GrafanaAlertRulesOptions {
  /** Prometheus rule files (parsed): every alerting rule becomes a Grafana rule; recording rules are skipped. */
  ruleFiles?: PromRuleFile[];
  /** Argus threshold and absent rules. */
  rules?: (ThresholdRuleSpec | AbsentRuleSpec)[];
  /** The Prometheus-type data source the rules query: Argus's query API, or the Prometheus Argus reads. */
  datasourceUid: string;
  /** The folder (title) the rule groups are stored in. @default 'Argus' */
  folder?: string;
  /** Name of the group that holds `rules`. @default 'argus' */
  group?: string;
  /** Evaluation interval of the `rules` group, ms; a multiple of 10 s (Grafana's base interval). @default 60000 */
  intervalMs?: number;
  /** @default 1 */
  orgId?: number;
  /** State of a rule whose query returns nothing: `OK` as in Prometheus (no series, no alert). @default 'OK' */
  noDataState?: 'OK' | 'NoData' | 'Alerting';
  /** State of a rule whose query fails. @default 'Error' */
  execErrState?: 'OK' | 'Error' | 'Alerting';
}

const labels = z.record(z.string(), z.string());
const base = {
  alert: z.string().min(1),
  forMs: z.number().int().nonnegative().optional(),
  keepFiringForMs: z.number().int().nonnegative().optional(),
  severity: z.string().min(1).optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
};
const promRule = z.strictObject({
  alert: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  expr: z.union([z.string().min(1), z.number()]).transform(String),
  for: z.string().optional(),
  keep_firing_for: z.string().optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});

/** Runtime check of {@link GrafanaAlertRulesOptions}. */
export const alertRulesOptionsSchema: z.ZodType<GrafanaAlertRulesOptions> = z.strictObject({
  ruleFiles: z
    .array(
      z.object({
        groups: z.array(
          z.object({ name: z.string().min(1), interval: z.string().optional(), rules: z.array(promRule) }),
        ),
      }),
    )
    .optional(),
  rules: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('threshold'),
          ...base,
          selector: z.string().min(1),
          op: z.enum(['>', '>=', '<', '<=', '==', '!=']).optional(),
          threshold: z.number(),
          resolveThreshold: z.number().optional(),
          staleAfterMs: z.number().optional(),
          name: z.string().optional(),
          generatorURL: z.string().optional(),
        }),
        z.strictObject({
          type: z.literal('absent'),
          ...base,
          selector: z.string().min(1),
          absentForMs: z.number().int().positive(),
          per: z.enum(['selector', 'series']).optional(),
          name: z.string().optional(),
          generatorURL: z.string().optional(),
        }),
      ]),
    )
    .optional(),
  datasourceUid: z.string().min(1).max(40).describe('uid of the Prometheus-type data source'),
  folder: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
  intervalMs: z
    .number()
    .int()
    .positive()
    .refine((v) => v % 10_000 === 0, 'must be a multiple of 10000 (Grafana evaluates every 10 s)')
    .optional(),
  orgId: z.number().int().positive().optional(),
  noDataState: z.enum(['OK', 'NoData', 'Alerting']).optional(),
  execErrState: z.enum(['OK', 'Error', 'Alerting']).optional(),
});
