// `promtool check rules` (Prometheus 2.42) for one file's text: parse the YAML, decode it as promtool's
// rulefmt.RuleGroups with known fields only, and when that succeeds, validate the groups and rules.
import { LineCounter, parseAllDocuments } from 'yaml';
import { lintDuplicates } from './lint.js';
import type { RuleProblem } from './problem.js';
import { validateGroups } from './validate.js';
import { decodeAs, type GoType, type StructValue } from './yaml-go.js';

const duration = { kind: 'duration' } as const;
const str = { kind: 'string' } as const;
const node = { kind: 'node' } as const;
const labelMap = { kind: 'map', name: 'map[string]string', elem: str } as const;

const ruleNode: GoType = {
  kind: 'struct',
  name: 'rulefmt.RuleNode',
  fields: {
    record: node,
    alert: node,
    expr: node,
    for: duration,
    keep_firing_for: duration,
    labels: labelMap,
    annotations: labelMap,
  },
};
const ruleGroup: GoType = {
  kind: 'struct',
  name: 'rulefmt.RuleGroup',
  fields: {
    name: str,
    interval: duration,
    limit: { kind: 'int' },
    rules: { kind: 'slice', name: '[]rulefmt.RuleNode', elem: ruleNode },
  },
};
const ruleGroups: GoType = {
  kind: 'struct',
  name: 'rulefmt.RuleGroups',
  fields: { groups: { kind: 'slice', name: '[]rulefmt.RuleGroup', elem: ruleGroup } },
};

/** Options of {@link checkRuleFile}. */
export interface CheckRuleFileOptions {
  /** Named in every problem, e.g. the path. @default 'rules' */
  readonly file?: string;
}

/** What {@link checkRuleFile} found: the problems (none when valid) and the number of rules, as promtool counts. */
export interface RuleFileCheck {
  readonly problems: RuleProblem[];
  /** promtool's default lint (duplicate rules): printed, but the file is still valid. Only when no problems. */
  readonly warnings: RuleProblem[];
  readonly rules: number;
}

/**
 * Checks a Prometheus rule file exactly as `promtool check rules` 2.42 does: it accepts what promtool accepts
 * (empty files, `null`, `{}`, empty `rules:` or `labels:`, any alert name) and reports what promtool rejects,
 * each problem with file, line, column, group and 1-based rule. No problems means the file is valid.
 * Pass the file's bytes to have invalid UTF-8 refused as promtool refuses it.
 * @example const { problems } = checkRuleFile(readFileSync('rules.yml'), { file: 'rules.yml' });
 */
export function checkRuleFile(
  content: string | Uint8Array,
  options: CheckRuleFileOptions = {},
): RuleFileCheck {
  const file = options.file ?? 'rules';
  const text = typeof content === 'string' ? content : decodeUtf8(content);
  if (text === undefined) {
    // yaml.v3 reads bytes and refuses what is not UTF-8; a string has been decoded already
    const line = firstInvalidUtf8Line(content as Uint8Array);
    return {
      problems: [{ file, code: 'ERR_RULES_YAML', message: 'yaml: invalid UTF-8', line, column: 1 }],
      warnings: [],
      rules: 0,
    };
  }
  const lines = new LineCounter();
  // yaml.v3 reads the first document only; duplicate keys and merges are decoded below, as yaml.v3 does them
  const [doc] = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (!doc || !('contents' in doc)) return { problems: [], warnings: [], rules: 0 };
  // yaml.v3 reads no further than the end of the first root node: what follows it is never parsed
  const rootEnd = (doc.contents as { range?: [number, number, number] } | null)?.range?.[1] ?? Infinity;
  const syntax = doc.errors.find((e) => e.pos[0] <= rootEnd);
  if (syntax) {
    const at = lines.linePos(syntax.pos[0]);
    const message = syntax.message.split('\n')[0] ?? syntax.message;
    return {
      problems: [
        { file, code: 'ERR_RULES_YAML', message: `yaml: ${message}`, line: at.line, column: at.col },
      ],
      warnings: [],
      rules: 0,
    };
  }
  const decoded = decodeAs(doc, ruleGroups, lines);
  if (decoded.errors.length > 0)
    return { problems: decoded.errors.map((e) => ({ file, ...e })), warnings: [], rules: 0 };
  const groups =
    ((decoded.value as StructValue | undefined)?.fields.groups as StructValue[] | undefined) ?? [];
  const rules = groups.reduce((n, g) => n + ((g.fields.rules as unknown[] | undefined)?.length ?? 0), 0);
  const problems = validateGroups(groups, file);
  return { problems, warnings: problems.length > 0 ? [] : lintDuplicates(groups, file), rules };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The line of the first byte sequence that is not UTF-8 (1-based). */
function firstInvalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (decodeUtf8(bytes.subarray(start, i)) === undefined) return line;
    line++;
    start = i + 1;
  }
  return line;
}
