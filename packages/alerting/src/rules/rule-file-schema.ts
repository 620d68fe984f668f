import { ArgusError } from '@argus/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkRuleFile } from './check/check.js';
import { formatRuleProblem } from './check/problem.js';

// The shape of a Prometheus rule file (`groups:` / `rules:`), shared by loadRuleFile and ruleGroups.

const duration = z.union([z.string(), z.number()]).optional();
const ruleSchema = z
  .object({
    alert: z.string().optional(),
    record: z.string().optional(),
    expr: z.union([z.string(), z.number()]).transform(String),
    for: duration,
    keep_firing_for: duration,
    labels: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
      .nullish()
      .transform((v) => v ?? undefined),
    annotations: z
      .record(z.string(), z.string())
      .nullish()
      .transform((v) => v ?? undefined),
  })
  .strict();
const fileSchema = z
  .object({
    groups: z.array(
      z
        .object({
          name: z.string().min(1),
          interval: duration,
          limit: z.number().optional(),
          rules: z
            .array(ruleSchema)
            .nullish()
            .transform((v) => v ?? []),
        })
        .strict(),
    ),
  })
  .strict();

/** One rule of a group as written. */
export interface RuleEntry {
  alert?: string | undefined;
  record?: string | undefined;
  expr: string;
  for?: string | number | undefined;
  keep_firing_for?: string | number | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}

/** One group of a rule file as written. */
export interface GroupEntry {
  name: string;
  interval?: string | number | undefined;
  limit?: number | undefined;
  rules: RuleEntry[];
}

/**
 * Checks a rule file as `promtool check rules` does, then parses it; errors name `where`, and promtool's problems
 * come with file, line, group, rule and code.
 */
export function parseRuleFile(text: string, where: string): GroupEntry[] {
  // promtool's checks first: a file promtool refuses is refused, with every problem, file, line and code
  const { problems } = checkRuleFile(text, { file: where });
  if (problems.length > 0) {
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `${where}: not a valid Prometheus rule file (as promtool check rules):\n${problems.map((p) => `  - ${formatRuleProblem(p)}`).join('\n')}`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ArgusError('ERR_PIPELINE_CONFIG', `${where}: not valid YAML: ${(err as Error).message}`);
  }
  // empty, `null`, `{}` and `groups:` left empty are valid rule files without rules
  if ((doc as { groups?: unknown } | null | undefined)?.groups == null) return [];
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `${where}: not a Prometheus rule file:\n${issues.join('\n')}`,
    );
  }
  const groups: GroupEntry[] = parsed.data.groups;
  return groups;
}
