import { createSeriesRegistry, type MetricBatch, type SeriesRegistry, type StageContext } from '@argus/core';
import { expect } from 'vitest';
import { rowsOf, testContext, testStageContext } from '../context.js';
import type { ContractCheck } from './check.js';
import { byTimestamp, type SampleInput } from './harness.js';

/** A plugin with snapshot/restore, as the parity check sees it. */
export interface Snapshotting {
  readonly name: string;
  start?(ctx: ReturnType<typeof testContext>): unknown;
  stop?(ctx: ReturnType<typeof testContext>): unknown;
  snapshot?(ctx: StageContext): unknown;
  restore?(state: unknown, ctx: StageContext): void;
}

/** Feeds one batch to the plugin and returns its output with series ids replaced by labels. */
export type Step<P> = (plugin: P, batch: MetricBatch, ctx: StageContext) => unknown[];

function reintern(batch: MetricBatch, from: SeriesRegistry, to: SeriesRegistry): MetricBatch {
  const series = new Int32Array(batch.length);
  for (let i = 0; i < batch.length; i++) series[i] = to.intern(from.labels(batch.series[i]!));
  return { ...batch, series };
}

/**
 * snapshot → JSON → restore into a fresh instance gives the same later output as the original. The fresh
 * instance gets a registry whose ids are shifted, so state keyed by series id instead of labels or
 * fingerprint is caught.
 */
export function parityCheck<P extends Snapshotting>(
  factory: () => P,
  input: SampleInput,
  step: Step<P>,
  requireOutput: boolean,
): ContractCheck {
  return {
    name: 'snapshot → restore into a fresh instance (with other series ids) gives the same later output',
    async run() {
      const regA = createSeriesRegistry();
      const groups = byTimestamp(input(regA));
      const half = Math.floor(groups.length / 2);
      expect(half, 'the sample input needs at least two timestamps').toBeGreaterThan(0);
      const a = factory();
      await a.start?.(testContext({ series: regA }));
      const ctxA = (b: MetricBatch): StageContext =>
        testStageContext({ series: regA, now: b.timestamps[b.length - 1] ?? 0 });
      for (const g of groups.slice(0, half)) step(a, g, ctxA(g));
      const last = groups[half - 1]!;
      const state: unknown = JSON.parse(JSON.stringify(a.snapshot!(ctxA(last)) ?? null));
      const expected = groups.slice(half).flatMap((g) => step(a, g, ctxA(g)));
      if (requireOutput)
        expect(expected.length, 'the original produced output to compare').toBeGreaterThan(0);

      const regB = createSeriesRegistry();
      regB.intern({ __testkit_shift__: 'ids' });
      regB.intern({ __testkit_shift__: 'more ids' });
      const b = factory();
      await b.start?.(testContext({ series: regB }));
      b.restore!(state, testStageContext({ series: regB, now: last.timestamps[last.length - 1] ?? 0 }));
      const actual = groups.slice(half).flatMap((g) => {
        const moved = reintern(g, regA, regB);
        return step(b, moved, testStageContext({ series: regB, now: g.timestamps[g.length - 1] ?? 0 }));
      });
      await a.stop?.(testContext({ series: regA }));
      await b.stop?.(testContext({ series: regB }));
      expect(actual).toEqual(expected);
    },
  };
}

/** Output rows of a processed batch with labels resolved. */
export function labelledRows(batch: MetricBatch | undefined, series: SeriesRegistry): unknown[] {
  return batch ? rowsOf(series, batch) : [];
}
