import {
  clampScore,
  defineDetector,
  type Finding,
  type Labels,
  newFindingId,
  SERIES_REJECTED,
} from '@argus/core';
import { z } from 'zod';

const options = z.strictObject({
  name: z.string().default('jump').describe('Plugin name, unique within a pipeline'),
  maxJump: z.number().positive().describe('Largest normal change between two samples of a series'),
});

/** Reports a sample that moved more than `maxJump` from the previous sample of its series. */
export const jumpDetector = defineDetector({
  name: 'jump',
  options,
  create: (o) => {
    // last value per series id; ids are dense and only valid in this process
    let last: Float64Array = new Float64Array(64).fill(Number.NaN);
    return {
      name: o.name,
      detect(batch) {
        const out: Finding[] = [];
        for (let i = 0; i < batch.length; i++) {
          const id = batch.series[i]!;
          const value = batch.values[i]!;
          if (id >= last.length) last = grow(last, id);
          const previous = last[id]!;
          if (Number.isFinite(value)) last[id] = value;
          const jump = value - previous;
          if (!(Math.abs(jump) > o.maxJump)) continue; // NaN (first sample, no value) is no jump
          out.push({
            id: newFindingId(),
            series: id,
            timestamp: batch.timestamps[i]!,
            value,
            score: clampScore(1 - o.maxJump / Math.abs(jump)),
            kind: jump > 0 ? 'spike' : 'dip',
            expected: {
              value: previous,
              lower: Math.min(previous - o.maxJump, value),
              upper: Math.max(previous + o.maxJump, value),
            },
            detector: o.name,
            explanation: `moved ${jump > 0 ? 'up' : 'down'} by ${Math.abs(jump).toPrecision(3)} in one sample (normal: at most ${o.maxJump})`,
          });
        }
        return out;
      },
      // state is saved by labels: series ids are not stable across restarts
      snapshot(ctx) {
        const state: { labels: Labels; value: number }[] = [];
        last.forEach((value, id) => {
          if (Number.isFinite(value)) state.push({ labels: ctx.series.labels(id), value });
        });
        return state;
      },
      restore(state, ctx) {
        for (const { labels, value } of state as { labels: Labels; value: number }[]) {
          const id = ctx.series.intern(labels);
          if (id === SERIES_REJECTED) continue;
          if (id >= last.length) last = grow(last, id);
          last[id] = value;
        }
      },
    };
  },
});

function grow(a: Float64Array, id: number): Float64Array {
  const b = new Float64Array(Math.max(id + 1, a.length * 2)).fill(Number.NaN);
  b.set(a);
  return b;
}
