import {
  type Emit,
  metricBatch,
  type PluginContext,
  type Sink,
  type SinkBatch,
  type Source,
} from '@argus/core';
import { describe, expect, it } from 'vitest';
import { writeOnce } from '../src/write-once.js';

const batch = (ids: number[], ts: number[]) =>
  metricBatch(
    Int32Array.from(ids),
    Float64Array.from(ts),
    Float64Array.from(ids, (id) => id * 10),
  );

describe('writeOnce', () => {
  it("leaves out of the sink exactly the (series, time) samples the groups' source emitted", async () => {
    let emitOut: Emit | undefined;
    const groups: Source = {
      kind: 'source',
      name: 'rules:groups',
      apiVersion: 1,
      listen: (emit) => void (emitOut = emit),
    };
    const written: SinkBatch[] = [];
    const sink: Sink = {
      kind: 'sink',
      name: 'store',
      apiVersion: 1,
      accepts: ['metrics'],
      write: (b) => {
        written.push(b);
        return { ok: true };
      },
    };
    const w = writeOnce([groups], sink);
    const ctx = {} as PluginContext;
    await w.sources[0]!.listen!(async () => true, ctx);
    await emitOut!(batch([7, 8], [1000, 1000]));
    // series 7 and 8 at 1000 were written by the groups; 7 at 2000 and series 9 were not
    await w.sink.write(batch([9, 7, 8, 7], [1000, 1000, 1000, 2000]), ctx);
    await w.sink.write(batch([7, 8], [1000, 1000]), ctx);
    expect(
      written.map((b) => (b.kind === 'metrics' ? [...b.series].map((id, i) => [id, b.timestamps[i]]) : b)),
    ).toEqual([
      [
        [9, 1000],
        [7, 2000],
      ],
    ]);
  });

  it('passes the sink on untouched without rule sources', () => {
    const sink: Sink = {
      kind: 'sink',
      name: 'store',
      apiVersion: 1,
      accepts: ['metrics'],
      write: () => ({ ok: true }),
    };
    expect(writeOnce([], sink).sink).toBe(sink);
  });
});
