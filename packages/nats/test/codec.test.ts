import { createSeriesRegistry, metricBatch } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { decodeMetrics, encodeMetrics } from '../src/codec.js';

describe('the metric batch wire format', () => {
  it('round-trips labels, timestamps, values (NaN, ±Inf) and stale flags into another registry', () => {
    const from = createSeriesRegistry();
    const a = from.intern({ __name__: 'up', job: 'a' });
    const b = from.intern({ __name__: 'rate', job: 'b', le: '+Inf' });
    const batch = metricBatch(
      new Int32Array([a, b, a, b]),
      new Float64Array([1_700_000_000_000, 1_700_000_000_001, 1_700_000_015_000, 1_700_000_015_001]),
      new Float64Array([1, Number.POSITIVE_INFINITY, Number.NaN, -0.125]),
      new Uint8Array([0, 0, 1, 0]),
    );
    const to = createSeriesRegistry();
    to.intern({ __name__: 'unrelated' }); // ids differ between the two registries
    const got = decodeMetrics(encodeMetrics(batch, from), to);
    expect(got.length).toBe(4);
    expect([...got.series].map((id) => to.labels(id))).toEqual(
      [...batch.series].map((id) => from.labels(id)),
    );
    expect([...got.timestamps]).toEqual([...batch.timestamps]);
    expect([...got.values]).toEqual([1, Number.POSITIVE_INFINITY, Number.NaN, -0.125]);
    expect([...got.stale!]).toEqual([0, 0, 1, 0]);
  });

  it('leaves the stale column out when nothing is stale, and reads a batch at an unaligned offset', () => {
    const reg = createSeriesRegistry();
    const id = reg.intern({ __name__: 'x' });
    const bytes = encodeMetrics(
      metricBatch(new Int32Array([id]), new Float64Array([5]), new Float64Array([7])),
      reg,
    );
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const got = decodeMetrics(shifted.subarray(3), reg);
    expect(got.stale).toBeUndefined();
    expect([...got.values]).toEqual([7]);
  });

  it('refuses truncated or foreign bytes, saying what is wrong', () => {
    const reg = createSeriesRegistry();
    const id = reg.intern({ __name__: 'x' });
    const bytes = encodeMetrics(
      metricBatch(new Int32Array([id]), new Float64Array([5]), new Float64Array([7])),
      reg,
    );
    expect(() => decodeMetrics(bytes.subarray(0, bytes.length - 1), reg)).toThrow(/should be \d+ bytes/);
    expect(() => decodeMetrics(new Uint8Array([1]), reg)).toThrow(/too short/);
    expect(() => decodeMetrics(new TextEncoder().encode('\u0002\u0000\u0000\u0000{}'), reg)).toThrow(
      /unknown batch format/,
    );
  });
});
