import { createPipeline, memoryStateStore, type StateStore, silentLogger } from '@argus/core';
import { manualSource, memorySink } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { robustZDetector } from '../src/index.js';
import { noise } from './helpers.js';

const SERIES = 2000;
const T0 = Date.UTC(2024, 0, 1);

/** Runs rounds [from, to) of SERIES series through a pipeline over `state`; returns the scores of rounds ≥ keepFrom. */
async function run(state: StateStore, from: number, to: number, keepFrom = from): Promise<number[]> {
  const src = manualSource();
  const sink = memorySink();
  const p = createPipeline({
    state,
    logger: silentLogger,
    maxSeries: SERIES * 2,
    sources: [src],
    detectors: [robustZDetector({ minScore: 0 })],
    sinks: [sink],
  });
  await p.start();
  const kept: number[] = [];
  for (let r = from; r < to; r++) {
    const rnd = noise(r + 1);
    const rows = Array.from({ length: SERIES }, (_, i) => ({
      labels: { __name__: 'load', host: `h${i}` },
      value: 100 + (i % 13) + 3 * rnd(),
      timestamp: T0 + r * 60_000,
    }));
    const before = sink.findings().length;
    await src.pushSamples(rows);
    if (r >= keepFrom) for (const f of sink.findings().slice(before)) kept.push(f.score);
  }
  await p.stop();
  return kept;
}

describe('robust-z state saved in parts', () => {
  it('a restart restores every series from the chunked snapshot and scores exactly like an uninterrupted run', async () => {
    const state = memoryStateStore();
    await run(state, 0, 20);
    const saved = (await state.get('robust-z/snapshot')) as {
      version: number;
      series: Record<string, unknown>;
    };
    expect(saved.version).toBe(1);
    expect(Object.keys(saved.series)).toHaveLength(SERIES);
    const restarted = await run(state, 20, 25);
    const whole = await run(memoryStateStore(), 0, 25, 20);
    expect(restarted).toHaveLength(SERIES * 5);
    expect(restarted).toEqual(whole);
  }, 120_000);
});
