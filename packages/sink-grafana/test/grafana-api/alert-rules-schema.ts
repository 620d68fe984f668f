// JSON schema of Grafana's alert rule provisioning file (apiVersion 1), written for Argus from Grafana's
// file-provisioning docs (docs/sources/alerting/set-up/provision-alerting-resources/file-provisioning) and the
// fields its provisioning reader takes (AlertRuleGroupV1, AlertRuleV1, QueryV1). Stricter than Grafana on unknown
// fields (Grafana ignores them), so an exporter cannot write a field Grafana would silently drop; the query models
// of server-side expressions are checked per type (math, threshold, reduce).
import type { Schema } from './schemas.js';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
/** Prometheus durations, as Grafana parses them (model.ParseDuration). */
const duration = {
  type: 'string',
  pattern: '^(0|(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?)$',
  minLength: 1,
};
const stringMap = { type: 'object', additionalProperties: str } as const;
const exprSource = {
  type: 'object',
  required: ['type', 'uid'],
  properties: { type: { const: '__expr__' }, uid: { const: '__expr__' } },
};

/** A server-side expression's model: one of the types, with the fields that type needs. */
const expressionType = (type: string, required: string[], properties: Schema): Schema => ({
  type: 'object',
  required: ['refId', 'type', ...required],
  properties: { refId: nonEmpty, type: { const: type }, datasource: exprSource, ...properties },
});
const evaluator = {
  type: 'object',
  required: ['type', 'params'],
  properties: {
    type: {
      enum: ['gt', 'lt', 'within_range', 'outside_range', 'within_range_included', 'outside_range_included'],
    },
    params: { type: 'array', minItems: 1, items: { type: 'number' } },
  },
};
const expressionModel: Schema = {
  oneOf: [
    expressionType('math', ['expression'], { expression: nonEmpty }),
    expressionType('threshold', ['expression', 'conditions'], {
      expression: nonEmpty,
      conditions: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', required: ['evaluator'], properties: { evaluator } },
      },
    }),
    expressionType('reduce', ['expression', 'reducer'], { expression: nonEmpty, reducer: nonEmpty }),
    ...['resample', 'classic_conditions', 'sql'].map((t) => expressionType(t, [], {})),
  ],
};

/** A Prometheus-type data source query's model. */
const promModel: Schema = {
  type: 'object',
  required: ['refId', 'expr'],
  properties: { refId: nonEmpty, expr: nonEmpty, instant: { type: 'boolean' }, range: { type: 'boolean' } },
};

/** One entry of a rule's `data` (QueryV1). */
const query: Schema = {
  type: 'object',
  required: ['refId', 'datasourceUid', 'model'],
  additionalProperties: false,
  properties: {
    refId: nonEmpty,
    queryType: str,
    relativeTimeRange: {
      type: 'object',
      required: ['from', 'to'],
      additionalProperties: false,
      properties: { from: { type: 'integer', minimum: 0 }, to: { type: 'integer', minimum: 0 } },
    },
    datasourceUid: nonEmpty,
    model: { type: 'object' },
  },
  // a server-side expression (datasourceUid __expr__) or a query of the Prometheus-type data source
  anyOf: [
    { properties: { datasourceUid: { const: '__expr__' }, model: expressionModel } },
    { properties: { datasourceUid: { not: { const: '__expr__' } }, model: promModel } },
  ],
};

/** One alert rule (AlertRuleV1); `condition` is required of alerting rules (recording rules carry `record`). */
const rule: Schema = {
  type: 'object',
  required: ['uid', 'title', 'data'],
  additionalProperties: false,
  properties: {
    uid: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[a-zA-Z0-9_-]+$' },
    title: { type: 'string', minLength: 1, maxLength: 190 },
    condition: nonEmpty,
    data: { type: 'array', minItems: 1, items: query },
    dashboardUid: str,
    panelId: { type: 'integer' },
    noDataState: { enum: ['NoData', 'Alerting', 'OK', 'KeepLast'] },
    execErrState: { enum: ['Error', 'Alerting', 'OK', 'KeepLast'] },
    for: duration,
    keepFiringFor: duration,
    missing_series_evals_to_resolve: { type: 'integer', minimum: 0 },
    annotations: stringMap,
    labels: stringMap,
    isPaused: { type: 'boolean' },
    notification_settings: { type: 'object', required: ['receiver'] },
    record: { type: 'object', required: ['metric', 'from'] },
  },
  anyOf: [{ required: ['condition'] }, { required: ['record'] }],
};

/** A rule group (AlertRuleGroupV1). */
const group: Schema = {
  type: 'object',
  required: ['name', 'folder', 'interval', 'rules'],
  additionalProperties: false,
  properties: {
    orgId: { type: 'integer', minimum: 1 },
    name: nonEmpty,
    folder: nonEmpty,
    interval: duration,
    rules: { type: 'array', minItems: 1, items: rule },
  },
};

/** `provisioning/alerting/*.yaml|json` with alert rule groups. */
export const alertRulesProvisioning: Schema = {
  type: 'object',
  required: ['apiVersion'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 1 },
    groups: { type: 'array', items: group },
    deleteRules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uid'],
        additionalProperties: false,
        properties: { orgId: { type: 'integer', minimum: 1 }, uid: nonEmpty },
      },
    },
  },
};
