// Runs generated rule groups on @argus/promql's engine over in-memory series, as a rule manager would: every
// group in order, every rule in order, at each step; recording outputs become series later rules read.
import { createEngine, type MemorySeries, memoryQueryable } from '@argus/promql';
import type { SloRuleGroup } from '../../src/index.js';

/** Times (ms) at which each alert (name + slo_name + slo_severity) was active. */
export type Firing = Map<string, number[]>;

const alertKey = (name: string, labels: Record<string, string>): string =>
  `${name}/${labels['slo_name']}/${labels['slo_severity']}`;

/**
 * Evaluates `groups` from `fromMs` to `toMs` every `stepMs`. Each recording rule is one range query (the same
 * values as one instant query per step), so the next rule sees the whole recorded history it needs.
 */
export async function runGroups(
  data: readonly MemorySeries[],
  groups: readonly SloRuleGroup[],
  fromMs: number,
  toMs: number,
  stepMs: number,
): Promise<{ firing: Firing; recorded: MemorySeries[] }> {
  const all: MemorySeries[] = [...data];
  const recorded: MemorySeries[] = [];
  const engine = createEngine({ queryable: memoryQueryable(all) });
  const firing: Firing = new Map();
  for (const group of groups)
    for (const rule of group.rules) {
      const r = await engine.rangeQuery(rule.expr, fromMs, toMs, stepMs);
      for (const s of r.result) {
        const labels = { ...s.metric, ...rule.labels };
        if ('record' in rule) {
          const series = {
            labels: { ...labels, __name__: rule.record },
            timestamps: [...s.ts],
            values: [...s.vs],
          };
          all.push(series);
          recorded.push(series);
        } else {
          const key = alertKey(rule.alert, labels);
          firing.set(key, [...(firing.get(key) ?? []), ...s.ts]);
        }
      }
    }
  return { firing, recorded };
}
