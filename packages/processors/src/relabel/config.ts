import { compileAnchored } from '@argus/core';
import { z } from 'zod';

/** Relabel actions, with Prometheus `relabel_config` semantics. */
export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'labeldrop'
  | 'labelkeep'
  | 'labelmap'
  | 'hashmod'
  | 'lowercase'
  | 'uppercase'
  | 'keepequal'
  | 'dropequal';

/** One relabelling rule. The snake_case spellings of Prometheus YAML (`source_labels`, `target_label`) are accepted too. */
export interface RelabelRule {
  /** @default 'replace' */
  action?: RelabelAction | Uppercase<RelabelAction>;
  /** Labels whose values are joined with `separator` and matched against `regex`. */
  sourceLabels?: readonly string[];
  source_labels?: readonly string[];
  /** @default ';' */
  separator?: string;
  /** Anchored at both ends. @default '(.*)' */
  regex?: string;
  /** Label written by replace/hashmod/lowercase/uppercase; compared by keepequal/dropequal. */
  targetLabel?: string;
  target_label?: string;
  /** `$1`, `${1}`, `$name`, `${name}` expand to capture groups; `$$` is a literal `$`. @default '$1' */
  replacement?: string;
  /** Modulus for hashmod. */
  modulus?: number;
}

/** A validated rule with its regex compiled. */
export interface CompiledRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: RegExp;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly modulus: number;
}

const ACTIONS = [
  'replace',
  'keep',
  'drop',
  'labeldrop',
  'labelkeep',
  'labelmap',
  'hashmod',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
] as const;
const DEFAULT_REGEX = '(.*)';
const DEFAULT_REPLACEMENT = '$1';
const DEFAULT_SEPARATOR = ';';
/** A valid label name. */
export const LABEL_NAME: RegExp = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Prometheus's own check of templated target labels (relabelTarget in model/relabel)
const TEMPLATE_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

const ruleObject = z.strictObject({
  action: z
    .enum(ACTIONS)
    .default('replace')
    .describe('What the rule does (case-insensitive, as in Prometheus)'),
  sourceLabels: z
    .array(z.string().regex(LABEL_NAME, 'must be a label name'))
    .optional()
    .describe('Labels whose values are joined and matched (alias: source_labels)'),
  separator: z.string().default(DEFAULT_SEPARATOR).describe('Joins the source label values'),
  regex: z.string().default(DEFAULT_REGEX).describe('RE2-style regex, anchored at both ends'),
  targetLabel: z.string().default('').describe('Label to write or compare (alias: target_label)'),
  replacement: z
    .string()
    .default(DEFAULT_REPLACEMENT)
    .describe('Value written; capture groups expand: $1, $name, or braced as in Go'),
  modulus: z.number().int().positive().optional().describe('Modulus of the hashmod action'),
});

type RuleFields = z.output<typeof ruleObject>;

function camelise(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const r = { ...(raw as Record<string, unknown>) };
  for (const [snake, camel] of [
    ['source_labels', 'sourceLabels'],
    ['target_label', 'targetLabel'],
  ] as const) {
    if (snake in r) {
      r[camel] ??= r[snake];
      delete r[snake];
    }
  }
  if (typeof r['action'] === 'string') r['action'] = r['action'].toLowerCase();
  return r;
}

/** Checks a rule the way Prometheus's `Config.Validate` does; returns [field, message] or undefined. */
function problem(r: RuleFields): [string, string] | undefined {
  const a = r.action;
  const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (needsTarget.includes(a) && r.targetLabel === '')
    return ['targetLabel', `the ${a} action requires targetLabel`];
  if (a === 'hashmod' && r.modulus === undefined)
    return ['modulus', 'the hashmod action requires a positive modulus'];
  if (a === 'replace' && !r.targetLabel.includes('$') && !LABEL_NAME.test(r.targetLabel))
    return ['targetLabel', `${JSON.stringify(r.targetLabel)} is not a valid label name`];
  if (a === 'replace' && r.targetLabel.includes('$') && !TEMPLATE_TARGET.test(r.targetLabel))
    return ['targetLabel', `${JSON.stringify(r.targetLabel)} is not a valid templated label name`];
  const plainTarget = ['hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (plainTarget.includes(a) && !LABEL_NAME.test(r.targetLabel))
    return ['targetLabel', `${JSON.stringify(r.targetLabel)} is not a valid label name for ${a}`];
  if ((a === 'lowercase' || a === 'uppercase') && r.replacement !== DEFAULT_REPLACEMENT)
    return ['replacement', `replacement cannot be set for the ${a} action`];
  if (a === 'labelmap' && !TEMPLATE_TARGET.test(r.replacement))
    return ['replacement', `${JSON.stringify(r.replacement)} is not a valid label name template`];
  if (
    (a === 'keepequal' || a === 'dropequal') &&
    (r.regex !== DEFAULT_REGEX || r.modulus !== undefined || r.replacement !== DEFAULT_REPLACEMENT)
  )
    return ['action', `the ${a} action takes only sourceLabels and targetLabel`];
  if (
    (a === 'labeldrop' || a === 'labelkeep') &&
    (r.sourceLabels !== undefined ||
      r.targetLabel !== '' ||
      r.modulus !== undefined ||
      r.replacement !== DEFAULT_REPLACEMENT)
  )
    return ['action', `the ${a} action takes only regex`];
  return undefined;
}

/** The schema of one rule: accepts snake_case, validates like Prometheus, and compiles the regex. */
export const ruleSchema: z.ZodType<CompiledRule, RelabelRule> = z.preprocess(
  camelise,
  ruleObject.transform((r, ctx): CompiledRule => {
    const bad = problem(r);
    if (bad) {
      ctx.issues.push({ code: 'custom', message: bad[1], path: [bad[0]], input: r });
      return z.NEVER;
    }
    let regex: RegExp;
    try {
      regex = compileAnchored(r.regex);
    } catch (err) {
      ctx.issues.push({ code: 'custom', message: (err as Error).message, path: ['regex'], input: r.regex });
      return z.NEVER;
    }
    return {
      action: r.action,
      sourceLabels: r.sourceLabels ?? [],
      separator: r.separator,
      regex,
      targetLabel: r.targetLabel,
      replacement: r.replacement,
      modulus: r.modulus ?? 0,
    };
  }),
) as unknown as z.ZodType<CompiledRule, RelabelRule>;
