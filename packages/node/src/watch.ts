import {
  type Detector,
  type MetricBatch,
  MetricBatchBuilder,
  matchesLabels,
  parseMatchers,
  type StageContext,
} from '@argus/core';
import { grown } from './columns.js';

/**
 * Wraps a detector so it only sees the series matching `selector`: a registry holds many raw counters and
 * histogram buckets that only ever grow, and scoring them costs CPU and yields findings nobody should act on.
 * State, ticks and judging pass through unchanged.
 * @example watchOnly(ensembleDetector({}), '{__name__=~"argus:.+"}')
 */
export function watchOnly(detector: Detector, selector: string): Detector {
  const matchers = parseMatchers(selector);
  // 0 = not seen, 1 = watched, 2 = ignored; by series id (stable for the pipeline's lifetime)
  let verdicts = new Uint8Array(1024);
  const watched = (id: number, ctx: StageContext): boolean => {
    if (id >= verdicts.length) verdicts = grown(verdicts, id + 1);
    if (verdicts[id] === 0) verdicts[id] = matchesLabels(matchers, ctx.series.labels(id)) ? 1 : 2;
    return verdicts[id] === 1;
  };
  const filter = (batch: MetricBatch, ctx: StageContext): MetricBatch => {
    // a selector that keeps the whole batch (the usual case once the watched series are chosen) costs no copy
    let first = 0;
    while (first < batch.length) {
      const id = batch.series[first]!;
      if (!(id >= 0 && watched(id, ctx))) break;
      first++;
    }
    if (first === batch.length) return batch;
    const out = new MetricBatchBuilder(Math.min(batch.length, 256));
    for (let i = 0; i < batch.length; i++) {
      const id = batch.series[i]!;
      if (id >= 0 && watched(id, ctx)) {
        out.push(id, batch.timestamps[i]!, batch.values[i]!, batch.stale?.[i] === 1);
      }
    }
    return out.build();
  };
  const d = detector;
  return {
    kind: 'detector',
    name: d.name,
    apiVersion: d.apiVersion,
    ...(d.start ? { start: (ctx) => d.start!(ctx) } : {}),
    ...(d.stop ? { stop: (ctx) => d.stop!(ctx) } : {}),
    ...(d.healthcheck ? { healthcheck: (ctx) => d.healthcheck!(ctx) } : {}),
    ...(d.detect ? { detect: (batch, ctx) => d.detect!(filter(batch, ctx), ctx) } : {}),
    ...(d.tick ? { tick: (ctx) => d.tick!(ctx) } : {}),
    ...(d.select ? { select: (f) => d.select!(f) } : {}),
    ...(d.judge ? { judge: (f, ctx) => d.judge!(f, ctx) } : {}),
    ...(d.snapshot ? { snapshot: (ctx) => d.snapshot!(ctx) } : {}),
    ...(d.restore ? { restore: (s, ctx) => d.restore!(s, ctx) } : {}),
  };
}
