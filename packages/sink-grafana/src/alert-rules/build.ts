import { createHash } from 'node:crypto';
import { parseOptions } from '@argus/core';
import { durationMs, durationText } from './duration.js';
import {
  type AbsentRuleSpec,
  alertRulesOptionsSchema,
  type GrafanaAlertRulesOptions,
  type PromRule,
  type ThresholdRuleSpec,
} from './input.js';
import { type AlertQuery, promQuery, seriesExist, thresholdNode } from './queries.js';

/** One Grafana-managed alert rule, as the provisioning file has it. */
export interface GrafanaAlertRule {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  noDataState: 'OK' | 'NoData' | 'Alerting';
  execErrState: 'OK' | 'Error' | 'Alerting';
  for: string;
  keepFiringFor?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  isPaused: boolean;
}

/** Grafana's alert rule provisioning file (`provisioning/alerting/*.yaml|json`, apiVersion 1). */
export interface GrafanaAlertRulesFile {
  apiVersion: 1;
  groups: { orgId: number; name: string; folder: string; interval: string; rules: GrafanaAlertRule[] }[];
}

/** The file, and what could not be exported as it is. */
export interface GrafanaAlertRulesExport {
  file: GrafanaAlertRulesFile;
  /** Rules left out (recording rules), with the reason. */
  skipped: { rule: string; reason: string }[];
  /** Rules exported with a difference from how Argus runs them. */
  warnings: string[];
}

const BASE_MS = 10_000;

/** A rule's own part of the provisioning entry: the condition and its queries. */
type Condition = { data: AlertQuery[]; condition: string };

// Grafana's `$value` is the condition's value (1 or 0); the query's value, which Prometheus means, is $values.A
const templated = (m: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(m ?? {}).map(([k, v]) => [
      k,
      v.replace(/\{\{[^}]*\}\}/g, (t) => t.replace(/\$value\b/g, '$values.A.Value')),
    ]),
  );

function thresholdCondition(r: ThresholdRuleSpec, ds: string): Condition {
  const op = r.op ?? '>';
  if (op === '>' || op === '<')
    return {
      data: [promQuery('A', ds, r.selector), thresholdNode('B', 'A', op === '>' ? 'gt' : 'lt', r.threshold)],
      condition: 'B',
    };
  return seriesExist(ds, `${r.selector} ${op} ${r.threshold}`);
}

function absentCondition(r: AbsentRuleSpec, ds: string): Condition {
  const window = durationText(r.absentForMs);
  // per series: present in the window before, silent in the last `absentForMs`
  const expr =
    (r.per ?? 'selector') === 'selector'
      ? `absent_over_time(${r.selector}[${window}])`
      : `present_over_time(${r.selector}[${durationText(2 * r.absentForMs)}]) unless present_over_time(${r.selector}[${window}])`;
  return seriesExist(ds, expr);
}

/** Builds the rules; titles are made unique in the folder, uids are stable for the same group and title. */
class Builder {
  readonly titles = new Set<string>();
  readonly warnings: string[] = [];
  constructor(readonly o: GrafanaAlertRulesOptions) {}

  rule(
    group: string,
    alert: string,
    cond: Condition,
    extra: {
      forMs: number;
      keepMs: number;
      labels: Record<string, string>;
      annotations?: Record<string, string>;
    },
  ): GrafanaAlertRule {
    let title = alert;
    for (let n = 2; this.titles.has(title); n++) title = `${alert} (${n})`;
    if (title !== alert)
      this.warnings.push(`${group}/${alert}: a rule of that title exists; titled "${title}"`);
    this.titles.add(title);
    const uid = `argus-${createHash('sha256')
      .update(`${this.o.folder ?? 'Argus'}\0${group}\0${title}`)
      .digest('hex')
      .slice(0, 24)}`;
    return {
      uid,
      title,
      ...cond,
      noDataState: this.o.noDataState ?? 'OK',
      execErrState: this.o.execErrState ?? 'Error',
      for: durationText(extra.forMs),
      ...(extra.keepMs > 0 ? { keepFiringFor: durationText(extra.keepMs) } : {}),
      labels: extra.labels,
      annotations: templated(extra.annotations),
      isPaused: false,
    };
  }

  /** A rule file's duration field in ms; a bad one is an error naming the rule. */
  ms(text: string | undefined, where: string): number {
    if (text === undefined) return 0;
    const ms = durationMs(text);
    if (ms === undefined)
      throw new Error(`sink-grafana: ${where} is not a Prometheus duration: ${JSON.stringify(text)}`);
    return ms;
  }

  /** A group interval Grafana accepts: rounded up to its 10 s base interval. */
  interval(ms: number, group: string): string {
    const up = Math.max(BASE_MS, Math.ceil(ms / BASE_MS) * BASE_MS);
    if (up !== ms)
      this.warnings.push(
        `${group}: interval ${durationText(ms)} rounded up to ${durationText(up)} (Grafana evaluates every 10s)`,
      );
    return durationText(up);
  }
}

function promRule(b: Builder, group: string, r: PromRule): GrafanaAlertRule {
  const where = `${group}/${r.alert}`;
  return b.rule(group, r.alert!, seriesExist(b.o.datasourceUid, r.expr), {
    forMs: b.ms(r.for, `${where} for`),
    keepMs: b.ms(r.keep_firing_for, `${where} keep_firing_for`),
    labels: r.labels ?? {},
    ...(r.annotations ? { annotations: r.annotations } : {}),
  });
}

/**
 * Argus's alerting rules as Grafana-managed alert rules, in Grafana's file-provisioning format (apiVersion 1), for
 * teams that alert in Grafana: Prometheus rule files group by group, and threshold and absent rules in one group.
 * Each rule queries `datasourceUid` (Argus's Prometheus-compatible API, or the Prometheus Argus reads).
 * Throws `ERR_PLUGIN_OPTIONS` naming a bad option.
 * @example
 * const { file } = grafanaAlertRules({ ruleFiles: [parsed], datasourceUid: 'argus' });
 * writeFileSync('provisioning/alerting/argus-rules.json', JSON.stringify(file, null, 2));
 */
export function grafanaAlertRules(options: GrafanaAlertRulesOptions): GrafanaAlertRulesExport {
  const o = parseOptions(alertRulesOptionsSchema, options, 'sink-grafana') as GrafanaAlertRulesOptions;
  const b = new Builder(o);
  const skipped: GrafanaAlertRulesExport['skipped'] = [];
  const folder = o.folder ?? 'Argus';
  const orgId = o.orgId ?? 1;
  const groups: GrafanaAlertRulesFile['groups'] = [];
  for (const g of (o.ruleFiles ?? []).flatMap((f) => f.groups)) {
    const rules: GrafanaAlertRule[] = [];
    for (const r of g.rules) {
      if (r.alert === undefined) {
        skipped.push({
          rule: `${g.name}/${r.record ?? '?'}`,
          reason:
            'recording rule: Grafana-managed recording rules need a target data source; keep it in Argus',
        });
        continue;
      }
      rules.push(promRule(b, g.name, r));
    }
    const interval = b.interval(
      g.interval === undefined ? 60_000 : b.ms(g.interval, `${g.name} interval`),
      g.name,
    );
    if (rules.length > 0) groups.push({ orgId, name: g.name, folder, interval, rules });
  }
  const group = o.group ?? 'argus';
  const own = (o.rules ?? []).map((r) => {
    if (r.type === 'threshold' && r.resolveThreshold !== undefined)
      b.warnings.push(
        `${group}/${r.alert}: resolveThreshold (hysteresis) is not exported; Grafana resolves at threshold`,
      );
    const cond =
      r.type === 'threshold' ? thresholdCondition(r, o.datasourceUid) : absentCondition(r, o.datasourceUid);
    return b.rule(group, r.alert, cond, {
      forMs: r.forMs ?? 0,
      keepMs: r.keepFiringForMs ?? 0,
      labels: { ...r.labels, ...(r.severity ? { severity: r.severity } : {}) },
      ...(r.annotations ? { annotations: r.annotations } : {}),
    });
  });
  if (own.length > 0)
    groups.push({
      orgId,
      name: group,
      folder,
      interval: b.interval(o.intervalMs ?? 60_000, group),
      rules: own,
    });
  return { file: { apiVersion: 1, groups }, skipped, warnings: b.warnings };
}

/**
 * The export as a provisioning file to write under the output directory: JSON, which Grafana's provisioning reads
 * as it reads YAML. Mount `provisioning/` at `/etc/grafana/provisioning`.
 */
export function alertRulesFile(exported: GrafanaAlertRulesExport): { path: string; content: string } {
  return {
    path: 'provisioning/alerting/argus-rules.json',
    content: `${JSON.stringify(exported.file, null, 2)}\n`,
  };
}
