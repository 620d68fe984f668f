/** What is wrong with a rule file, as `promtool check rules` 2.42 reports it (codes are Argus's). */
export type RuleProblemCode =
  | 'ERR_RULES_READ'
  | 'ERR_RULES_YAML'
  | 'ERR_RULES_UNKNOWN_FIELD'
  | 'ERR_RULES_DUPLICATE_KEY'
  | 'ERR_RULES_TYPE'
  | 'ERR_RULES_DURATION'
  | 'ERR_RULES_GROUP_NAME'
  | 'ERR_RULES_GROUP_REPEATED'
  | 'ERR_RULES_RECORD_AND_ALERT'
  | 'ERR_RULES_NO_RECORD_OR_ALERT'
  | 'ERR_RULES_NO_EXPR'
  | 'ERR_RULES_EXPR'
  | 'ERR_RULES_RECORD_FIELD'
  | 'ERR_RULES_RECORD_NAME'
  | 'ERR_RULES_LABEL_NAME'
  | 'ERR_RULES_LABEL_VALUE'
  | 'ERR_RULES_ANNOTATION_NAME'
  | 'ERR_RULES_TEMPLATE'
  /** A warning (promtool's duplicate-rules lint, which does not fail the check). */
  | 'WARN_RULES_DUPLICATE_RULE';

/** A line and column in the file, both 1-based. */
export interface RulePosition {
  readonly line: number;
  readonly column: number;
}

/** One problem of a rule file; `group`, `rule` (1-based, as promtool counts) and `ruleName` when it is in a rule. */
export interface RuleProblem extends RulePosition {
  readonly code: RuleProblemCode;
  readonly file: string;
  readonly message: string;
  readonly group?: string;
  readonly rule?: number;
  readonly ruleName?: string;
}

/**
 * One line per problem, like promtool's (`file: group "g", rule 2, "Name": message`), with the line and column
 * always given (promtool omits them for labels, annotations and templates) and the code last.
 * @example formatRuleProblem(p) // 'rules.yml:7:11: group "node", rule 2, "HighLoad": invalid label name: 1a [ERR_RULES_LABEL_NAME]'
 */
export function formatRuleProblem(p: RuleProblem): string {
  const rule =
    p.rule === undefined
      ? ''
      : `group ${goQuote(p.group ?? '')}, rule ${p.rule}, ${goQuote(p.ruleName ?? '')}: `;
  return `${p.file}:${p.line}:${p.column}: ${rule}${p.message} [${p.code}]`;
}

/** Go's %q for the strings promtool quotes (JSON's escaping is the same for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
