import {
  type Alert,
  type Alerter,
  createPipeline,
  type Detector,
  type Processor,
  type Source,
} from '@argus/core';

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Sources that can read history (`readRange`). */
  sources: readonly Source[];
  /** Processors and detectors the rule depends on (e.g. the detector an anomaly rule reads). */
  processors?: readonly Processor[];
  detectors?: readonly Detector[];
  /** ms since epoch, inclusive. */
  from: number;
  /** ms since epoch, exclusive. */
  to: number;
  /** Resolution asked of the sources. */
  stepMs: number;
}

/** One state change a rule would have made. */
export interface BacktestTransition {
  readonly at: number;
  readonly alert: Alert;
}

/**
 * Runs rules over history in batch mode (`pipeline.runBatch`) and returns every state change they would have
 * made, in order: when each alert would have gone pending, fired and resolved.
 * @example const t = await backtest([thresholdRule({...})], { sources: [history], from, to, stepMs: 15_000 });
 */
export async function backtest(rules: readonly Alerter[], o: BacktestOptions): Promise<BacktestTransition[]> {
  const pipeline = createPipeline({
    sources: o.sources,
    processors: o.processors ?? [],
    detectors: o.detectors ?? [],
    alerters: rules,
  });
  const out: BacktestTransition[] = [];
  pipeline.on('alert', (alert: Alert) => {
    out.push({ at: alert.endsAt ?? alert.startsAt, alert });
  });
  await pipeline.runBatch({ from: o.from, to: o.to, stepMs: o.stepMs });
  return out;
}
