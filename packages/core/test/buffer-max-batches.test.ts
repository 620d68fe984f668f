import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPipeline } from '../src/index.js';
import { collectSink, gatedSink, pushSource, samples } from './helpers.js';

const quiet = { logger: { debug() {}, info() {}, warn() {}, error() {} }, onError: () => {} };

/** Sends 10 one-batch emits into a sink held shut, with the given buffer; returns what was dropped. */
async function dropsWith(buffer: Record<string, unknown>): Promise<number> {
  const src = pushSource();
  const { sink, release } = gatedSink('gated');
  const p = createPipeline({
    ...quiet,
    sources: [src],
    sinks: [{ use: sink, buffer: { ...buffer, whenFull: 'dropNewest' } }],
  });
  await p.start();
  for (let i = 0; i < 10; i++) await src.emit(samples([[0, i, i]]));
  release();
  await p.stop();
  return p.stats().plugins['gated']!.dropped;
}

describe('buffer.maxBatches (formerly maxItems)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the deprecated maxItems still sizes the buffer like maxBatches, with one deprecation warning per process', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(await dropsWith({ maxBatches: 3 })).toBe(7);
    expect(warn).not.toHaveBeenCalled();
    expect(await dropsWith({ maxItems: 3 })).toBe(7);
    expect(await dropsWith({ maxItems: 4 })).toBe(6);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/buffer\.maxItems is deprecated.*buffer\.maxBatches/);
  });

  it('refuses maxItems and maxBatches that disagree, naming both', () => {
    expect(() =>
      createPipeline({
        ...quiet,
        sinks: [{ use: collectSink('s', ['metrics']), buffer: { maxItems: 3, maxBatches: 5 } }],
      }),
    ).toThrow(/buffer\.maxItems \(3\) and buffer\.maxBatches \(5\) disagree/);
  });
});
