// The work a job's worker thread does: rebuild the copied history in a store of its own, then run
// @argus/alerting's backtest over it exactly as `argus backtest` runs it over a data directory.
import { type BacktestTransition, backtest, ruleGroups } from '@argus/alerting';
import { storeQueryable } from '@argus/promql';
import { createStore } from '@argus/store';
import { historyStore, type SeriesSnapshot } from './history-store.js';
import type { BacktestSpec } from './spec.js';

/** What a finished backtest job answers. */
export interface BacktestResult {
  /** Rule evaluations run over the range. */
  readonly evaluations: number;
  /** Rules that failed at `from` (a type error, many-to-many matching), as `group/rule: error`. */
  readonly ruleErrors: readonly string[];
  /** State changes by state. */
  readonly counts: { pending: number; firing: number; resolved: number; inactive: number };
  /** Every state change the rules would have made, in time order. */
  readonly transitions: readonly BacktestTransition[];
}

const DAY_MS = 86_400_000;

/** Rules that report an error after one evaluation at `from`. */
function ruleErrors(groups: ReturnType<typeof ruleGroups>): string[] {
  return groups
    .rules()
    .groups.flatMap((g) =>
      g.rules.filter((r) => r['health'] === 'err').map((r) => `${g.name}/${r['name']}: ${r['lastError']}`),
    );
}

/**
 * Runs the spec's rule groups over [from, to) of the snapshot, recording rules writing into a scratch store, and
 * returns every alert state change. `onProgress` gets evaluations done of the total.
 */
export async function runBacktest(
  spec: BacktestSpec,
  series: readonly SeriesSnapshot[],
  onProgress: (done: number, total: number) => void,
): Promise<BacktestResult> {
  const store = historyStore(spec.to - spec.from + spec.lookbackMs, series);
  const scratch = createStore({ retentionMs: spec.to - spec.from + DAY_MS });
  try {
    const groups = ruleGroups({
      files: [{ file: 'request', text: spec.rules }],
      queryable: storeQueryable(store),
      appender: scratch,
    });
    await groups.evaluateAt(spec.from);
    const errors = ruleErrors(groups);
    let evaluations = 0;
    const transitions = await backtest([groups.alerter], {
      from: spec.from,
      to: spec.to,
      stepMs: 60_000,
      onProgress: (done, total) => {
        evaluations = total;
        onProgress(done, total);
      },
    });
    const counts = { pending: 0, firing: 0, resolved: 0, inactive: 0 };
    for (const { alert } of transitions) counts[alert.state as keyof typeof counts]++;
    return { evaluations, ruleErrors: errors, counts, transitions };
  } finally {
    await scratch.close();
    await store.close();
  }
}
