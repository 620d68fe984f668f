import { ArgusError } from '@argus/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

// The shape of a Prometheus rule file (`groups:` / `rules:`), shared by loadRuleFile and ruleGroups.

const duration = z.union([z.string(), z.number()]).optional();
const ruleSchema = z
  .object({
    alert: z.string().optional(),
    record: z.string().optional(),
    expr: z.union([z.string(), z.number()]).transform(String),
    for: duration,
    keep_firing_for: duration,
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
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
          rules: z.array(ruleSchema).default([]),
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

/** Parses a rule file's YAML and checks its shape; errors name `where` and every wrong field. */
export function parseRuleFile(text: string, where: string): GroupEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ArgusError('ERR_PIPELINE_CONFIG', `${where}: not valid YAML: ${(err as Error).message}`);
  }
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
