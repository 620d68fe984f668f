import { createPipeline, type Detector, memoryStateStore, type StateStore, silentLogger } from '@argus/core';
import { fakeClock, manualSource, settle } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { robustZDetector } from '../src/index.js';
import { noise } from './helpers.js';

const SERIES = 500;
const T0 = Date.UTC(2024, 0, 1);
// rounds before this one feed every series; from it on only every fifth (another fifth each round)
const PARTIAL_FROM = 12;

/** Which series round `r` feeds. */
const fed = (r: number, i: number): boolean => r < PARTIAL_FROM || i % 5 === r % 5;

/** robust-z as it was before dirty tracking: every save full (the reference). */
function fullSaves(d: Detector): Detector {
  const parts = d.snapshotParts!.bind(d);
  return {
    ...d,
    snapshotParts: (ctx) => {
      const { changes: _, ...whole } = parts(ctx);
      return whole;
    },
  };
}

/** Runs rounds [from, to) through a pipeline over `state`, saving its state after every round (on a fake clock). */
async function run(state: StateStore, from: number, to: number, deltas = true): Promise<void> {
  const clock = fakeClock({ now: T0 });
  const src = manualSource();
  const detector = robustZDetector({ minScore: 0 });
  const p = createPipeline({
    state,
    clock,
    logger: silentLogger,
    snapshotIntervalMs: 1000,
    maxSeries: SERIES * 2,
    sources: [src],
    detectors: [deltas ? detector : fullSaves(detector)],
  });
  await p.start();
  for (let r = from; r < to; r++) {
    const rnd = noise(r + 1);
    const rows = [];
    for (let i = 0; i < SERIES; i++) {
      const value = 100 + (i % 13) + 3 * rnd() + (r % 7 === i % 7 ? 40 : 0);
      if (fed(r, i))
        rows.push({ labels: { __name__: 'load', host: `h${i}` }, value, timestamp: T0 + r * 60_000 });
    }
    await src.pushSamples(rows);
    await clock.advanceAsync(1000);
    for (let i = 0; i < 5; i++) await settle();
  }
  await p.stop();
}

describe('robust-z saves only the series changed since the last save', () => {
  it('a restore after several partial saves equals the state of a run whose every save was full', async () => {
    const state = memoryStateStore();
    await run(state, 0, PARTIAL_FROM + 8);
    // the partial rounds' saves were deltas of a fifth of the series each (after five of them, as many entries as
    // the state has, a full save again: the deltas left are those since, and the stop's)
    const deltas = await state.list('robust-z/snapshot~delta~');
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    for (const k of deltas) {
      const d = (await state.get(k)) as { series: Record<string, unknown> };
      expect(Object.keys(d.series).length).toBeLessThanOrEqual(SERIES / 5);
    }
    // a restart restores the full snapshot and its deltas; its first save (at stop) is full: what it restored
    await run(state, PARTIAL_FROM + 8, PARTIAL_FROM + 8);
    expect(await state.list('robust-z/snapshot~delta~')).toEqual([]);
    const reference = memoryStateStore();
    await run(reference, 0, PARTIAL_FROM + 8, false);
    const series = (s: unknown) => (s as { series: Record<string, unknown> }).series;
    const restored = series(await state.get('robust-z/snapshot'));
    expect(Object.keys(restored)).toHaveLength(SERIES);
    expect(restored).toEqual(series(await reference.get('robust-z/snapshot')));
  }, 120_000);
});
