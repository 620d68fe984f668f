// promtool's semantic checks (Prometheus 2.42 model/rulefmt: RuleGroups.Validate, RuleNode.Validate and
// testTemplateParsing), on the structs decoded by yaml-go.ts. Go iterates label maps in random order; we sort.
import { parseExpr } from '@argus/promql';
import { ALERT_TEMPLATE_DEFS, createTemplates, prometheusFuncs } from '@argus/template';
import type { RulePosition, RuleProblem, RuleProblemCode } from './problem.js';
import type { MapEntry, NodeValue, StructValue } from './yaml-go.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const ABSENT: NodeValue = { value: '', line: 0, column: 0 };

/** A problem before file and rule are stamped on it. */
type Found = Omit<RuleProblem, 'file' | 'group' | 'rule' | 'ruleName'>;

/** Validates decoded rule groups (`groups` as decoded), as promtool does after a clean YAML decode. */
export function validateGroups(groups: readonly StructValue[], file: string): RuleProblem[] {
  const out: RuleProblem[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    const name = typeof g.fields.name === 'string' ? g.fields.name : '';
    if (name === '')
      out.push({ file, code: 'ERR_RULES_GROUP_NAME', message: 'Groupname must not be empty', ...at(g) });
    if (seen.has(name)) {
      out.push({
        file,
        code: 'ERR_RULES_GROUP_REPEATED',
        message: `groupname: "${name}" is repeated in the same file`,
        ...at(g),
      });
    }
    seen.add(name);
    const rules = (g.fields.rules as (StructValue | undefined)[] | undefined) ?? [];
    rules.forEach((r, i) => {
      const rule = r ?? { fields: {}, keys: {}, line: 0, column: 0 };
      const alert = node(rule, 'alert');
      const ruleName = alert.value !== '' ? alert.value : node(rule, 'record').value;
      for (const p of validateRule(rule)) out.push({ ...p, file, group: name, rule: i + 1, ruleName });
    });
  }
  return out;
}

function at(p: RulePosition): RulePosition {
  return { line: p.line, column: p.column };
}

function node(r: StructValue, field: string): NodeValue {
  return (r.fields[field] as NodeValue | undefined) ?? ABSENT;
}

function entries(r: StructValue, field: string): MapEntry[] {
  return [...((r.fields[field] as MapEntry[] | undefined) ?? [])].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
}

function problem(code: RuleProblemCode, message: string, where: RulePosition): Found {
  return { code, message, ...at(where) };
}

/** RuleNode.Validate: which of record/alert/expr, the expression, recording-rule fields, names, templates. */
function validateRule(r: StructValue): Found[] {
  const record = node(r, 'record');
  const alert = node(r, 'alert');
  const expr = node(r, 'expr');
  const out: Found[] = [];
  if (record.value !== '' && alert.value !== '')
    out.push(problem('ERR_RULES_RECORD_AND_ALERT', "only one of 'record' and 'alert' must be set", record));
  if (record.value === '' && alert.value === '')
    out.push(problem('ERR_RULES_NO_RECORD_OR_ALERT', "one of 'record' or 'alert' must be set", r));
  if (expr.value === '')
    out.push(problem('ERR_RULES_NO_EXPR', "field 'expr' must be set in rule", exprWhere(r)));
  else {
    try {
      parseExpr(expr.value);
    } catch (e) {
      out.push(problem('ERR_RULES_EXPR', `could not parse expression: ${(e as Error).message}`, expr));
    }
  }
  if (record.value !== '') out.push(...recordingChecks(r, record));
  out.push(...nameChecks(r), ...templateChecks(r, alert.value));
  return out;
}

/** Where to point when `expr` is missing: promtool says 0:0; the rule is more useful. */
function exprWhere(r: StructValue): RulePosition {
  return r.keys.expr ?? r;
}

function recordingChecks(r: StructValue, record: NodeValue): Found[] {
  const out: Found[] = [];
  if ((r.fields.annotations as MapEntry[] | undefined)?.length)
    out.push(problem('ERR_RULES_RECORD_FIELD', "invalid field 'annotations' in recording rule", record));
  if (r.fields.for)
    out.push(problem('ERR_RULES_RECORD_FIELD', "invalid field 'for' in recording rule", record));
  if (r.fields.keep_firing_for)
    out.push(problem('ERR_RULES_RECORD_FIELD', "invalid field 'keep_firing_for' in recording rule", record));
  if (!METRIC_NAME.test(record.value))
    out.push(problem('ERR_RULES_RECORD_NAME', `invalid recording rule name: ${record.value}`, record));
  return out;
}

function nameChecks(r: StructValue): Found[] {
  const out: Found[] = [];
  for (const l of entries(r, 'labels')) {
    if (!LABEL_NAME.test(l.key) || l.key === '__name__')
      out.push(problem('ERR_RULES_LABEL_NAME', `invalid label name: ${l.key}`, l));
    if (!isWellFormed(String(l.value)))
      out.push(problem('ERR_RULES_LABEL_VALUE', `invalid label value: ${String(l.value)}`, l));
  }
  for (const a of entries(r, 'annotations')) {
    if (!LABEL_NAME.test(a.key))
      out.push(problem('ERR_RULES_ANNOTATION_NAME', `invalid annotation name: ${a.key}`, a));
  }
  return out;
}

/** A string Go would see as valid UTF-8 (no lone surrogates). */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * testTemplateParsing: an alerting rule's label and annotation values parse as Prometheus's Expander.ParseTest
 * parses them: Go's text/template with Prometheus's functions (without `tmpl`, which only HTML expansion has),
 * after the `$labels`/`$externalLabels`/`$externalURL`/`$value` definitions.
 */
function templateChecks(r: StructValue, alert: string): Found[] {
  if (alert === '') return [];
  const out: Found[] = [];
  const funcs = prometheusFuncs();
  const check = (kind: 'label' | 'annotation', e: MapEntry) => {
    try {
      createTemplates({ funcs, missingKey: 'zero' }).parse(
        `__alert_${alert}`,
        ALERT_TEMPLATE_DEFS + String(e.value),
      );
    } catch (err) {
      out.push(
        problem('ERR_RULES_TEMPLATE', `${kind} ${JSON.stringify(e.key)}: ${(err as Error).message}`, e),
      );
    }
  };
  for (const l of entries(r, 'labels')) check('label', l);
  for (const a of entries(r, 'annotations')) check('annotation', a);
  return out;
}
