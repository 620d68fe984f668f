import { type Alerter, ArgusError } from '@argus/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { checkRuleFile } from './check/check.js';
import { formatRuleProblem } from './check/problem.js';
import { type ExpressionEvaluator, parseSimpleComparison } from './expr.js';
import { evaluatedRule } from './remote.js';
import { thresholdRule } from './threshold.js';

/** Options of {@link loadRuleFile}. */
export interface LoadRuleFileOptions {
  /** Evaluates expressions Argus cannot (anything but `<selector> <op> <number>`). Without it they are refused. */
  evaluator?: ExpressionEvaluator;
  /** Query interval for evaluator-backed rules when the group sets none. @default 60000 (Prometheus's default) */
  defaultIntervalMs?: number;
  /** Named in errors, e.g. the file path. @default 'rules' */
  source?: string;
  /** Called for each recording rule, which Argus skips (they do not alert). */
  onSkip?: (rule: string, reason: string) => void;
}

const duration = z.union([z.string(), z.number()]).optional();
const ruleSchema = z
  .object({
    alert: z.string().optional(),
    record: z.string().optional(),
    expr: z.union([z.string(), z.number()]).transform(String),
    for: duration,
    keep_firing_for: duration,
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
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
          rules: z.array(ruleSchema).nullish(),
        })
        .strict(),
    ),
  })
  .strict();

type RuleEntry = z.infer<typeof ruleSchema>;

/**
 * Loads a Prometheus alerting-rule file (`groups:` / `rules:` YAML) as it is, one alerter per alerting rule.
 * `<selector> <op> <number>` expressions run in process as {@link thresholdRule}s; any other expression runs on the
 * `evaluator`, and without one it is refused with an error naming the group and rule. Recording rules are skipped.
 * @example const alerters = loadRuleFile(readFileSync('rules.yml', 'utf8'), { source: 'rules.yml' });
 */
export function loadRuleFile(text: string, options: LoadRuleFileOptions = {}): Alerter[] {
  const where = options.source ?? 'rules';
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
  const out: Alerter[] = [];
  const names = new Set<string>();
  for (const g of parsed.data.groups) {
    const intervalMs =
      g.interval === undefined ? (options.defaultIntervalMs ?? 60_000) : parseDuration(g.interval);
    (g.rules ?? []).forEach((r, i) => {
      const id = `${where}: group ${JSON.stringify(g.name)} rule ${i + 1} (${r.alert ?? r.record ?? 'unnamed'})`;
      if (r.record !== undefined) {
        options.onSkip?.(r.record, 'recording rules do not alert');
        return;
      }
      if (r.alert === undefined)
        throw new ArgusError('ERR_PIPELINE_CONFIG', `${id}: needs "alert" or "record"`);
      let name = `rule:${g.name}/${r.alert}`;
      for (let n = 2; names.has(name); n++) name = `rule:${g.name}/${r.alert}#${n}`;
      names.add(name);
      out.push(toAlerter(r, r.alert, name, intervalMs, id, options));
    });
  }
  return out;
}

function toAlerter(
  r: RuleEntry,
  alert: string,
  name: string,
  intervalMs: number,
  id: string,
  options: LoadRuleFileOptions,
): Alerter {
  const base = {
    alert,
    forMs: r.for === undefined ? 0 : parseDuration(r.for, `${id}: for`),
    keepFiringForMs:
      r.keep_firing_for === undefined ? 0 : parseDuration(r.keep_firing_for, `${id}: keep_firing_for`),
    labels: r.labels ?? {},
    annotations: r.annotations ?? {},
  };
  const simple = parseSimpleComparison(r.expr);
  if (simple) return thresholdRule({ ...base, name, ...simple, staleAfterMs: 300_000 });
  if (options.evaluator) {
    return evaluatedRule({
      ...base,
      name,
      origin: name,
      expr: r.expr,
      evaluator: options.evaluator,
      intervalMs,
    });
  }
  throw new ArgusError(
    'ERR_PIPELINE_CONFIG',
    `${id}: expr ${JSON.stringify(r.expr)} needs a Prometheus server; Argus evaluates only "<selector> <op> <number>" in process. ` +
      'Pass an ExpressionEvaluator (e.g. from @argus/source-prometheus) as the evaluator option.',
  );
}
