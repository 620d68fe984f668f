// Argus's alerting rules exported as Grafana-managed alert rules: every file is checked against the JSON schema of
// Grafana's alert rule provisioning format (test/grafana-api/alert-rules-schema.ts), then rule by rule.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  alertRulesFile,
  type GrafanaAlertRule,
  type GrafanaAlertRulesFile,
  grafanaAlertRules,
  type PromRuleFile,
} from '../src/index.js';
import { alertRulesProvisioning } from './grafana-api/alert-rules-schema.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const valid = ajv.compile(alertRulesProvisioning);

/** Schema-valid, every condition names one of its rule's queries, and every uid is unique. */
function checked(file: GrafanaAlertRulesFile): GrafanaAlertRule[] {
  expect(valid(file), ajv.errorsText(valid.errors)).toBe(true);
  const rules = file.groups.flatMap((g) => g.rules);
  for (const r of rules) expect(r.data.map((d) => d.refId)).toContain(r.condition);
  expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
  return rules;
}

const RULE_FILE: PromRuleFile = parse(`
groups:
  - name: node
    interval: 30s
    rules:
      - record: instance:cpu:rate5m
        expr: rate(node_cpu_seconds_total{mode!="idle"}[5m])
      - alert: HighCpu
        expr: instance:cpu:rate5m > 0.9
        for: 5m
        keep_firing_for: 2m
        labels: { severity: page }
        annotations:
          summary: 'cpu of {{ $labels.instance }} at {{ $value | humanizePercentage }}'
          runbook: https://runbooks.example/cpu
      - alert: NodeDown
        expr: up{job="node"} == 0
  - name: disk
    interval: 15s
    rules:
      - alert: NodeDown
        expr: node_filesystem_avail_bytes == 0
`);

describe('grafanaAlertRules', () => {
  it('exports PromQL alerting rules: the expression as an instant query, firing for every series it returns', () => {
    const { file, skipped, warnings } = grafanaAlertRules({ ruleFiles: [RULE_FILE], datasourceUid: 'argus' });
    const [high, down, down2] = checked(file);
    expect(file.groups.map((g) => [g.name, g.folder, g.interval, g.orgId])).toEqual([
      ['node', 'Argus', '30s', 1],
      ['disk', 'Argus', '20s', 1],
    ]);
    expect(high).toMatchObject({
      title: 'HighCpu',
      condition: 'C',
      for: '300s',
      keepFiringFor: '120s',
      noDataState: 'OK',
      execErrState: 'Error',
      labels: { severity: 'page' },
      annotations: {
        summary: 'cpu of {{ $labels.instance }} at {{ $values.A.Value | humanizePercentage }}',
        runbook: 'https://runbooks.example/cpu',
      },
    });
    const [a, b, c] = high!.data;
    expect(a).toMatchObject({
      refId: 'A',
      datasourceUid: 'argus',
      model: { expr: 'instance:cpu:rate5m > 0.9', instant: true },
    });
    expect(b!.model).toMatchObject({ type: 'math', expression: 'is_number($A) || is_nan($A) || is_inf($A)' });
    expect(c!.model).toMatchObject({
      type: 'threshold',
      expression: 'B',
      conditions: [{ evaluator: { type: 'gt', params: [0] } }],
    });
    expect(down).toMatchObject({ title: 'NodeDown', for: '0s' });
    expect(down!.data[0]!.model['expr']).toBe('up{job="node"} == 0');
    expect(down2!.title).toBe('NodeDown (2)');
    expect(skipped).toEqual([
      { rule: 'node/instance:cpu:rate5m', reason: expect.stringContaining('recording rule') },
    ]);
    expect(warnings).toEqual([
      'disk/NodeDown: a rule of that title exists; titled "NodeDown (2)"',
      'disk: interval 15s rounded up to 20s (Grafana evaluates every 10s)',
    ]);
    // uids are stable: exporting again (after a Grafana restart, in CI) updates the same rules
    const again = grafanaAlertRules({ ruleFiles: [RULE_FILE], datasourceUid: 'argus' }).file;
    expect(again.groups.flatMap((g) => g.rules.map((r) => r.uid))).toEqual([
      high!.uid,
      down!.uid,
      down2!.uid,
    ]);
  });

  it('exports threshold rules: > and < as a threshold node, the other comparisons in PromQL', () => {
    const { file, warnings } = grafanaAlertRules({
      rules: [
        {
          type: 'threshold',
          alert: 'Load',
          selector: 'node_load1{job="node"}',
          threshold: 4,
          forMs: 120_000,
          severity: 'warn',
        },
        {
          type: 'threshold',
          alert: 'LowFree',
          selector: 'free_bytes',
          op: '<',
          threshold: 1e9,
          resolveThreshold: 2e9,
        },
        { type: 'threshold', alert: 'Errors', selector: 'errors_total', op: '>=', threshold: 5 },
      ],
      datasourceUid: 'prom',
      folder: 'Ops',
      intervalMs: 30_000,
    });
    const [load, low, errors] = checked(file);
    expect(file.groups).toMatchObject([{ name: 'argus', folder: 'Ops', interval: '30s' }]);
    expect(load).toMatchObject({ condition: 'B', for: '120s', labels: { severity: 'warn' } });
    expect(load!.data.map((d) => d.model)).toMatchObject([
      { expr: 'node_load1{job="node"}', datasource: { type: 'prometheus', uid: 'prom' } },
      { type: 'threshold', expression: 'A', conditions: [{ evaluator: { type: 'gt', params: [4] } }] },
    ]);
    expect(low!.data[1]!.model).toMatchObject({ conditions: [{ evaluator: { type: 'lt', params: [1e9] } }] });
    expect(errors).toMatchObject({
      condition: 'C',
      data: [{ model: { expr: 'errors_total >= 5' } }, {}, {}],
    });
    expect(warnings).toEqual([expect.stringContaining('LowFree: resolveThreshold')]);
  });

  it('exports absent rules, per selector and per series', () => {
    const { file } = grafanaAlertRules({
      rules: [
        { type: 'absent', alert: 'NoScrape', selector: 'up{job="api"}', absentForMs: 600_000 },
        {
          type: 'absent',
          alert: 'SeriesGone',
          selector: 'up{job="api"}',
          absentForMs: 300_000,
          per: 'series',
        },
      ],
      datasourceUid: 'argus',
    });
    const [sel, series] = checked(file);
    expect(sel!.data[0]!.model['expr']).toBe('absent_over_time(up{job="api"}[600s])');
    expect(series!.data[0]!.model['expr']).toBe(
      'present_over_time(up{job="api"}[600s]) unless present_over_time(up{job="api"}[300s])',
    );
    expect(sel).toMatchObject({ condition: 'C', noDataState: 'OK' });
  });

  it('writes a provisioning file Grafana reads as YAML or JSON, and the schema refuses what Grafana would', () => {
    const exported = grafanaAlertRules({ ruleFiles: [RULE_FILE], datasourceUid: 'argus' });
    const f = alertRulesFile(exported);
    expect(f.path).toBe('provisioning/alerting/argus-rules.json');
    expect(parse(f.content)).toEqual(JSON.parse(f.content));
    checked(JSON.parse(f.content));
    // the schema is not vacuous: a rule without a condition, a bad state, a threshold without its value
    const rule = exported.file.groups[0]!.rules[0]!;
    const broken = (r: object) => ({
      ...exported.file,
      groups: [{ ...exported.file.groups[0]!, rules: [r] }],
    });
    const { condition: _c, ...noCondition } = rule;
    expect(valid(broken(noCondition))).toBe(false);
    expect(valid(broken({ ...rule, noDataState: 'Firing' }))).toBe(false);
    const data = rule.data.map((d) =>
      d.refId === 'C' ? { ...d, model: { ...d.model, conditions: [] } } : d,
    );
    expect(valid(broken({ ...rule, data }))).toBe(false);
    expect(valid(broken({ ...rule, uid: 'x'.repeat(41) }))).toBe(false);
  });

  it('refuses bad options naming the field', () => {
    expect(() => grafanaAlertRules({ datasourceUid: 'argus', intervalMs: 15_000 })).toThrow(
      /intervalMs.*multiple of 10000/,
    );
    expect(() => grafanaAlertRules({ datasourceUid: '' })).toThrow(/datasourceUid/);
    const badFor: PromRuleFile = {
      groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', for: '5 minutes' }] }],
    };
    expect(() => grafanaAlertRules({ ruleFiles: [badFor], datasourceUid: 'argus' })).toThrow(
      /g\/A for is not a Prometheus duration/,
    );
  });
});
