import { type Alerter, ArgusError } from '@argus/core';
import type { Queryable } from '@argus/promql';
import { parseDuration } from '../duration.js';
import { type ExpressionEvaluator, parseSimpleComparison } from './expr.js';
import { promqlEvaluator } from './promql-evaluator.js';
import { evaluatedRule } from './remote.js';
import { parseRuleFile, type RuleEntry } from './rule-file-schema.js';
import { evaluatorTemplateQuery } from './template-query.js';
import { thresholdRule } from './threshold.js';

/** Options of {@link loadRuleFile}. */
export interface LoadRuleFileOptions {
  /**
   * Evaluates expressions elsewhere (e.g. a Prometheus server through @argus/source-prometheus); then only what is
   * not `<selector> <op> <number>` goes there. Wins over `queryable`.
   */
  evaluator?: ExpressionEvaluator;
  /**
   * Runs every rule in process on @argus/promql's engine over this Queryable (e.g. `storeQueryable(store)`), with
   * Prometheus 2.42 semantics, at the group's interval. Without it and without `evaluator`, only
   * `<selector> <op> <number>` rules run (on the pipeline's samples) and the rest are refused.
   */
  queryable?: Queryable;
  /** Most samples one in-process evaluation may load. @default 50000000 */
  maxSamples?: number;
  /** Query interval for evaluator-backed rules when the group sets none. @default 60000 (Prometheus's default) */
  defaultIntervalMs?: number;
  /** Named in errors, e.g. the file path. @default 'rules' */
  source?: string;
  /** Called for each recording rule, which Argus skips (they do not alert). */
  onSkip?: (rule: string, reason: string) => void;
}

/**
 * Loads a Prometheus alerting-rule file (`groups:` / `rules:` YAML) as it is, one alerter per alerting rule.
 * With `queryable`, every rule runs in process on @argus/promql's engine at its group's interval. With an
 * `evaluator`, `<selector> <op> <number>` expressions run in process as {@link thresholdRule}s and the rest on the
 * evaluator; with neither, the rest are refused with an error naming the group and rule. Recording rules are skipped
 * here: {@link ruleGroups} runs whole groups, recording rules included.
 * @example const alerters = loadRuleFile(readFileSync('rules.yml', 'utf8'), { source: 'rules.yml' });
 */
export function loadRuleFile(text: string, options: LoadRuleFileOptions = {}): Alerter[] {
  const where = options.source ?? 'rules';
  const groups = parseRuleFile(text, where);
  const out: Alerter[] = [];
  const names = new Set<string>();
  const inProcess =
    !options.evaluator && options.queryable
      ? promqlEvaluator({
          queryable: options.queryable,
          ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
        })
      : undefined;
  for (const g of groups) {
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
      out.push(toAlerter(r, r.alert, name, intervalMs, id, options.evaluator ?? inProcess, !!inProcess));
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
  evaluator: ExpressionEvaluator | undefined,
  allOnEvaluator: boolean,
): Alerter {
  const base = {
    alert,
    forMs: r.for === undefined ? 0 : parseDuration(r.for, `${id}: for`),
    keepFiringForMs:
      r.keep_firing_for === undefined ? 0 : parseDuration(r.keep_firing_for, `${id}: keep_firing_for`),
    labels: r.labels ?? {},
    annotations: r.annotations ?? {},
  };
  const simple = allOnEvaluator ? undefined : parseSimpleComparison(r.expr);
  // `query` in its templates goes where its expr goes: the Prometheus evaluator, or the in-process engine
  const query = evaluator ? evaluatorTemplateQuery(evaluator) : undefined;
  if (simple)
    return thresholdRule({ ...base, name, ...simple, staleAfterMs: 300_000, ...(query ? { query } : {}) });
  if (evaluator)
    return evaluatedRule({
      ...base,
      name,
      origin: name,
      expr: r.expr,
      evaluator,
      intervalMs,
      query: evaluatorTemplateQuery(evaluator),
    });
  throw new ArgusError(
    'ERR_PIPELINE_CONFIG',
    `${id}: expr ${JSON.stringify(r.expr)} needs a PromQL engine; without one Argus evaluates only "<selector> <op> <number>". ` +
      'Pass the queryable option (storeQueryable(store) from @argus/promql runs it in process over the embedded store) ' +
      'or an ExpressionEvaluator (e.g. from @argus/source-prometheus) as the evaluator option.',
  );
}
