// Running rule groups in the JSON shapes of Prometheus 2.42's /api/v1/rules and /api/v1/alerts
// (web/api/v1/api.go: RuleGroup, AlertingRule, RecordingRule, Alert).
import { formatExpr, parseExpr } from '@argus/promql';
import { type GroupRuleState, type GroupState, sortedLabels as sorted } from './group-eval.js';
import type { TrackedAlert } from './tracker.js';

/** An alert as `/api/v1/alerts` and `/api/v1/rules` show it. */
export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

/** A group as `/api/v1/rules` shows it. */
export interface ApiRuleGroup {
  name: string;
  file: string;
  rules: Record<string, unknown>[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

/** Go's time.Time JSON (RFC 3339 with nanoseconds, trailing zeros dropped); the zero time when never. */
export function goTime(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64): `1e+00`, `5.5e+01`, `NaN`, `+Inf`. */
export function goExp(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

function apiAlert(rule: GroupRuleState & { type: 'alerting' }, a: TrackedAlert): ApiAlert {
  const rendered = rule.tracker.toAlert(a, a.state, a.activeAt);
  return {
    labels: sorted(a.labels),
    annotations: sorted(rendered.annotations),
    state: a.state,
    activeAt: goTime(a.activeAt),
    value: goExp(a.value),
  };
}

/** A rule's query as Prometheus shows it: the parsed expression printed, not the text as written. */
function printedQuery(expr: string): string {
  try {
    return formatExpr(parseExpr(expr));
  } catch {
    // not PromQL this engine parses (a rule for another evaluator): shown as written
    return expr;
  }
}

function apiRule(r: GroupRuleState): Record<string, unknown> {
  const health = {
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationSeconds,
    lastEvaluation: goTime(r.lastEvaluationMs),
  };
  if (r.type === 'recording') {
    return {
      name: r.name,
      query: printedQuery(r.expr),
      ...(Object.keys(r.labels).length > 0 ? { labels: sorted(r.labels) } : {}),
      ...health,
      type: 'recording',
    };
  }
  const active = [...r.tracker.active.values()];
  const state = active.some((a) => a.state === 'firing')
    ? 'firing'
    : active.length > 0
      ? 'pending'
      : 'inactive';
  return {
    state,
    name: r.name,
    query: printedQuery(r.expr),
    duration: r.forMs / 1000,
    keepFiringFor: r.keepFiringForMs / 1000,
    labels: sorted(r.labels),
    annotations: sorted(r.annotations),
    alerts: active.map((a) => apiAlert(r, a)),
    ...health,
    type: 'alerting',
  };
}

/** One group as `/api/v1/rules` shows it; `type` keeps only alerting (`alert`) or recording (`record`) rules. */
export function apiGroup(g: GroupState, type?: 'alert' | 'record'): ApiRuleGroup {
  const rules = g.rules.filter((r) => type === undefined || (type === 'alert') === (r.type === 'alerting'));
  return {
    name: g.name,
    file: g.file,
    rules: rules.map(apiRule),
    interval: g.intervalMs / 1000,
    limit: g.limit,
    evaluationTime: g.evaluationSeconds,
    lastEvaluation: goTime(g.lastEvaluationMs),
  };
}

/** Every pending and firing alert of the groups, as `/api/v1/alerts` lists them. */
export function apiAlerts(groups: readonly GroupState[]): ApiAlert[] {
  const out: ApiAlert[] = [];
  for (const g of groups)
    for (const r of g.rules)
      if (r.type === 'alerting') for (const a of r.tracker.active.values()) out.push(apiAlert(r, a));
  return out;
}
