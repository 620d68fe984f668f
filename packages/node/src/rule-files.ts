import { readFile } from 'node:fs/promises';
import { type ExpressionEvaluator, loadRuleFile, type RuleGroups, ruleGroups } from '@argus/alerting';
import type { Alerter, Source } from '@argus/core';
import { storeQueryable } from '@argus/promql';
import type { Store } from '@argus/store';

/** The plugins that run rule files, and the running groups (for `/api/v1/rules` and `/api/v1/alerts`). */
export interface RuleFilePlugins {
  readonly sources: Source[];
  readonly alerters: Alerter[];
  /** Absent when a Prometheus evaluator runs the rules. */
  readonly groups?: RuleGroups;
}

/**
 * Reads the rule files and runs them in process over `store` (the history the pipeline records): the groups'
 * source evaluates them on their intervals and writes recorded series and ALERTS back into the store and the
 * pipeline. With an `evaluator`, each alerting rule runs on it instead (a Prometheus server) and recording rules
 * are skipped, as loadRuleFile does.
 */
export async function ruleFilePlugins(
  paths: readonly string[],
  store: Store,
  evaluator?: ExpressionEvaluator,
): Promise<RuleFilePlugins> {
  if (paths.length === 0) return { sources: [], alerters: [] };
  const files = await Promise.all(paths.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  if (evaluator) {
    return {
      sources: [],
      alerters: files.flatMap((f) => loadRuleFile(f.text, { evaluator, source: f.file })),
    };
  }
  const groups = ruleGroups({ files, queryable: storeQueryable(store), appender: store });
  return { sources: [groups.source], alerters: [groups.alerter], groups };
}
