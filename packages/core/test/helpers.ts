// Minimal in-test plugins; the full fixtures live in @argus/testkit, which depends on core (not the reverse).
import {
  API_VERSION,
  type Emit,
  type MetricBatch,
  MetricBatchBuilder,
  type Sink,
  type SinkBatch,
  type Source,
  type SourceBatch,
  type WriteResult,
} from '../src/index.js';

export function pushSource(name = 'push'): Source & { emit: Emit } {
  let emitFn: Emit | undefined;
  return {
    kind: 'source',
    name,
    apiVersion: API_VERSION,
    listen(emit) {
      emitFn = emit;
    },
    emit: (b: SourceBatch) => (emitFn ? emitFn(b) : Promise.resolve(false)),
  };
}

/** A metrics sink whose writes wait until `release()`: its buffer fills meanwhile. */
export function gatedSink(name: string): { sink: Sink & { batches: SinkBatch[] }; release: () => void } {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const sink = collectSink(name, ['metrics'], async () => {
    await gate;
    return { ok: true };
  });
  return { sink, release };
}

export function collectSink(
  name = 'collect',
  accepts: Sink['accepts'] = ['metrics', 'findings', 'alerts', 'logs'],
  write?: (b: SinkBatch) => Promise<WriteResult> | WriteResult,
): Sink & { batches: SinkBatch[] } {
  const batches: SinkBatch[] = [];
  return {
    kind: 'sink',
    name,
    apiVersion: API_VERSION,
    accepts,
    batches,
    async write(b) {
      if (write) {
        const r = await write(b);
        if (r.ok) batches.push(b);
        return r;
      }
      batches.push(b);
      return { ok: true };
    },
  };
}

export function samples(rows: [series: number, t: number, v: number][]): MetricBatch {
  const b = new MetricBatchBuilder();
  for (const [s, t, v] of rows) b.push(s, t, v);
  return b.build();
}

export function totalSamples(batches: SinkBatch[]): number {
  return batches.reduce((n, b) => n + (b.kind === 'metrics' ? b.length : 0), 0);
}
