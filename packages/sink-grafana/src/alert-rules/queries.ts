// The query nodes of a Grafana-managed rule. A Prometheus rule fires for every series its expression returns,
// whatever the value (even 0 or NaN), so the condition is "the series exists": a math node that is 1 for any
// number, NaN or Inf, then a threshold node above 0. This is how Grafana itself imports Prometheus rules.

/** One entry of a rule's `data` list, as the provisioning file has it. */
export interface AlertQuery {
  refId: string;
  queryType: string;
  relativeTimeRange: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

/** Grafana's uid of server-side expressions. */
export const EXPR_UID = '__expr__';
const exprSource = { type: EXPR_UID, uid: EXPR_UID };

/** An instant PromQL query on the data source over the last `lookbackS` seconds. */
export function promQuery(refId: string, datasourceUid: string, expr: string, lookbackS = 600): AlertQuery {
  return {
    refId,
    queryType: '',
    relativeTimeRange: { from: lookbackS, to: 0 },
    datasourceUid,
    model: {
      refId,
      expr,
      instant: true,
      range: false,
      datasource: { type: 'prometheus', uid: datasourceUid },
    },
  };
}

/** A math expression node, e.g. `$A > 5`. */
export function mathNode(refId: string, expression: string): AlertQuery {
  return {
    refId,
    queryType: 'math',
    relativeTimeRange: { from: 0, to: 0 },
    datasourceUid: EXPR_UID,
    model: { refId, type: 'math', expression, datasource: exprSource },
  };
}

/** Grafana's threshold evaluators. */
export type Evaluator = 'gt' | 'lt';

/** A threshold node: `of` compared with `value`. */
export function thresholdNode(refId: string, of: string, type: Evaluator, value: number): AlertQuery {
  return {
    refId,
    queryType: 'threshold',
    relativeTimeRange: { from: 0, to: 0 },
    datasourceUid: EXPR_UID,
    model: {
      refId,
      type: 'threshold',
      expression: of,
      conditions: [{ evaluator: { type, params: [value] } }],
      datasource: exprSource,
    },
  };
}

/** A PromQL expression as a condition that holds for every series it returns: data A, B, C; condition C. */
export function seriesExist(datasourceUid: string, expr: string): { data: AlertQuery[]; condition: string } {
  return {
    data: [
      promQuery('A', datasourceUid, expr),
      mathNode('B', 'is_number($A) || is_nan($A) || is_inf($A)'),
      thresholdNode('C', 'B', 'gt', 0),
    ],
    condition: 'C',
  };
}
