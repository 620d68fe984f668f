// checkRuleFile's problems in detail: the verdicts are checked against promtool over the corpus
// (rule-corpus.test.ts); here, what each problem says, where, and with which code (promtool's texts, 1-based rules).
import { describe, expect, it } from 'vitest';
import { checkRuleFile, formatRuleProblem, loadRuleFile } from '../src/index.js';

const lines = (text: string) => {
  const { problems, warnings } = checkRuleFile(text, { file: 'r.yml' });
  return [...problems, ...warnings].map(formatRuleProblem);
};
const rule = (body: string) => `groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n  - ${body}\n`;

describe('checkRuleFile', () => {
  it('accepts what promtool accepts', () => {
    for (const text of [
      '',
      'null',
      '{}',
      'groups:',
      'groups:\n- name: g\n  rules:\n',
      rule('alert: X(>95%)\n    expr: a{x="1"} / b{y="2"} > 0.8 OR c UNLESS d\n    labels:\n'),
    ])
      expect(lines(text)).toEqual([]);
  });

  it('names file, line, column, group, the 1-based rule and a code', () => {
    expect(lines(rule('record: a-b\n    expr: up\n    for: 5m'))).toEqual([
      `r.yml:6:13: group "g", rule 2, "a-b": invalid field 'for' in recording rule [ERR_RULES_RECORD_FIELD]`,
      'r.yml:6:13: group "g", rule 2, "a-b": invalid recording rule name: a-b [ERR_RULES_RECORD_NAME]',
    ]);
    expect(
      lines(
        rule(
          'alert: B\n    expr: rate(up)\n    labels:\n      1x: y\n    annotations:\n      d: "{{ $nope }}"',
        ),
      ),
    ).toEqual([
      'r.yml:7:11: group "g", rule 2, "B": could not parse expression: 1:6: parse error: expected type range vector in call to function "rate", got instant vector [ERR_RULES_EXPR]',
      'r.yml:9:7: group "g", rule 2, "B": invalid label name: 1x [ERR_RULES_LABEL_NAME]',
      'r.yml:11:7: group "g", rule 2, "B": annotation "d": template: __alert_B:1: undefined variable "$nope" [ERR_RULES_TEMPLATE]',
    ]);
  });

  it('refuses unknown fields, repeated keys and groups, and bad durations as yaml.v3 and rulefmt do', () => {
    expect(lines('groups:\n- name: g\n  rulez: []\n')).toEqual([
      'r.yml:3:3: field rulez not found in type rulefmt.RuleGroup [ERR_RULES_UNKNOWN_FIELD]',
    ]);
    expect(lines(rule('alert: B\n    alert: C\n    expr: up'))).toEqual([
      'r.yml:7:5: mapping key "alert" already defined at line 6 [ERR_RULES_DUPLICATE_KEY]',
    ]);
    expect(lines('groups:\n- name: g\n- name: g\n')).toEqual([
      'r.yml:3:3: groupname: "g" is repeated in the same file [ERR_RULES_GROUP_REPEATED]',
    ]);
    expect(lines(rule('alert: B\n    expr: up\n    for: 1.5m'))).toEqual([
      'r.yml:8:10: not a valid duration string: "1.5m" [ERR_RULES_DURATION]',
    ]);
    expect(lines('groups:\n- name: g\n\trules: []\n')[0]).toMatch(
      /^r\.yml:3:1: yaml: .* \[ERR_RULES_YAML\]$/,
    );
  });

  it('warns of duplicate rules (promtool lints them but exits 0)', () => {
    const { problems, warnings } = checkRuleFile(rule('alert: A\n    expr: up == 0'), { file: 'r.yml' });
    expect(problems).toEqual([]);
    expect(warnings.map(formatRuleProblem)).toEqual([
      'r.yml:6:5: group "g", rule 2, "A": duplicate rule: A{} (also group "g", rule 1) [WARN_RULES_DUPLICATE_RULE]',
    ]);
  });
});

describe('loadRuleFile checks first', () => {
  it('refuses what promtool refuses, with every problem', () => {
    expect(() => loadRuleFile(rule('record: x\n    alert: Y\n    expr: up'), { source: 'r.yml' })).toThrow(
      `r.yml:6:13: group "g", rule 2, "Y": only one of 'record' and 'alert' must be set [ERR_RULES_RECORD_AND_ALERT]`,
    );
  });

  it('loads empty files, null, {} and empty rules as no rules', () => {
    for (const text of ['', 'null', '{}', 'groups:', 'groups:\n- name: g\n  rules:\n'])
      expect(loadRuleFile(text)).toEqual([]);
  });
});

describe('alert names', () => {
  it('are any label value, with or without an evaluator, as in Prometheus', () => {
    const text =
      'groups:\n- name: g\n  rules:\n  - alert: OracleDbTablespaceFull(>95%)\n    expr: oracledb_tablespace_used_percent > 95\n  - alert: GitlabWorkhorseHighIn-flightRequests\n    expr: rate(x[5m]) > 1\n';
    const evaluator = { name: 'none', query: async () => [] };
    expect(loadRuleFile(text, { evaluator }).map((a) => a.name)).toEqual([
      'rule:g/OracleDbTablespaceFull(>95%)',
      'rule:g/GitlabWorkhorseHighIn-flightRequests',
    ]);
    expect(loadRuleFile(text.split('  - alert: Gitlab')[0]!)).toHaveLength(1);
  });
});
