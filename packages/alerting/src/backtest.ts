import {
  type Alert,
  type Alerter,
  createPipeline,
  type Detector,
  type Processor,
  type Source,
} from '@argus/core';
import { replayOf } from './rules/remote.js';

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Sources that can read history (`readRange`); needed by every rule that is not evaluator-backed. */
  sources?: readonly Source[];
  /** Processors and detectors the rule depends on (e.g. the detector an anomaly rule reads). */
  processors?: readonly Processor[];
  detectors?: readonly Detector[];
  /** ms since epoch, inclusive. */
  from: number;
  /** ms since epoch, exclusive. */
  to: number;
  /** Resolution asked of the sources. Evaluator-backed rules run at their own interval. */
  stepMs: number;
  /** Aborts the evaluator's queries. */
  signal?: AbortSignal;
  /** Called as replayed rules (rule groups) advance: evaluations done of the total. */
  onProgress?: (done: number, total: number) => void;
}

/** One state change a rule would have made. */
export interface BacktestTransition {
  readonly at: number;
  readonly alert: Alert;
}

/**
 * Runs rules over history and returns every state change they would have made, in time order: when each alert
 * would have gone pending, fired and resolved. Rules on the pipeline's data run in batch mode
 * (`pipeline.runBatch` over `sources`); rules whose expression a Prometheus server evaluates (rule files loaded
 * with an `evaluator`) are replayed from a range evaluation at their group's interval.
 * @example const t = await backtest([thresholdRule({...})], { sources: [history], from, to, stepMs: 15_000 });
 */
export async function backtest(rules: readonly Alerter[], o: BacktestOptions): Promise<BacktestTransition[]> {
  const local = rules.filter((r) => !replayOf(r));
  const out: BacktestTransition[] = [];
  const signal = o.signal ?? new AbortController().signal;
  for (const rule of rules) {
    for (const alert of (await replayOf(rule)?.(o.from, o.to, signal, o.onProgress)) ?? [])
      out.push({ at: alert.endsAt ?? alert.startsAt, alert });
  }
  if (local.length > 0) {
    const pipeline = createPipeline({
      sources: o.sources ?? [],
      processors: o.processors ?? [],
      detectors: o.detectors ?? [],
      alerters: local,
    });
    pipeline.on('alert', (alert: Alert) => {
      out.push({ at: alert.endsAt ?? alert.startsAt, alert });
    });
    await pipeline.runBatch({ from: o.from, to: o.to, stepMs: o.stepMs });
  }
  // stable: changes at the same time keep each rule's order
  return out.sort((a, b) => a.at - b.at);
}
