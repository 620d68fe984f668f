import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ExpressionEvaluator, loadRuleFile, type RuleGroups, ruleGroups } from '@argus/alerting';
import type { Alerter, Sink, Source } from '@argus/core';
import { storeQueryable } from '@argus/promql';
import { createStore, type Store, storeSink, writeOnce } from '@argus/store';
import { importFrom } from './resolve.js';
import type { RuleFilesSettings } from './schema.js';
import type { GeneratedRules } from './slo-files.js';

/** What running the `rules:` block adds to the pipeline. */
export interface RulePlugins {
  sources: Source[];
  alerters: Alerter[];
  sinks: Sink[];
  /** The groups running in process (none with `prometheus`): what the server's `/api/v1/rules` lists. */
  groups?: RuleGroups;
  /** The store the groups read and write in process (none with `prometheus`). */
  store?: Store;
}

async function prometheusEvaluator(endpoint: string, dir: string): Promise<ExpressionEvaluator> {
  let mod: Record<string, unknown>;
  try {
    mod = await importFrom(dir, '@argus/source-prometheus');
  } catch {
    throw new Error('rules.prometheus needs @argus/source-prometheus: install it beside the config');
  }
  const make = mod['prometheusEvaluator'] as (o: { endpoint: string }) => ExpressionEvaluator;
  return make({ endpoint });
}

/**
 * The plugins that run the rule files. By default in process: a store records what the pipeline reads (a sink),
 * the rule groups evaluate every rule on the PromQL engine over it, and their recorded series and ALERTS go back
 * into the store and the pipeline. With `prometheus`, each alerting rule runs on that server instead.
 * Files are relative to `dir` (the config's folder). Throws with the file's name when one cannot be read or is not a rule file.
 * `generated` (the rule files of the `slos:` block) are added to the files.
 */
export async function rulePlugins(
  r: RuleFilesSettings,
  dir: string,
  generated: readonly GeneratedRules[] = [],
): Promise<RulePlugins> {
  const files = await Promise.all(
    r.files.map(async (f) => {
      try {
        return { file: f, text: await readFile(resolve(dir, f), 'utf8') };
      } catch (err) {
        throw new Error(`cannot read rule file ${JSON.stringify(f)}: ${(err as Error).message}`);
      }
    }),
  );
  files.push(...generated);
  if (r.prometheus) {
    const evaluator = await prometheusEvaluator(r.prometheus, dir);
    return {
      sources: [],
      alerters: files.flatMap((f) => loadRuleFile(f.text, { evaluator, source: f.file })),
      sinks: [],
    };
  }
  const store = createStore({ retentionMs: r.retentionMs ?? 86_400_000 });
  const groups = ruleGroups({ files, queryable: storeQueryable(store), appender: store });
  // the groups' appender has already written what their source emits: the store sink leaves it out
  const recorded = writeOnce([groups.source], storeSink(store, { name: 'rules:store' }));
  return {
    sources: recorded.sources,
    alerters: [groups.alerter],
    sinks: [recorded.sink],
    groups,
    store,
  };
}
