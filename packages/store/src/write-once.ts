import { type Emit, type MetricBatch, MetricBatchBuilder, type Sink, type Source } from '@argus/core';

/**
 * Rule groups write what they produce (recorded series, ALERTS, their stale markers) into the store the moment a
 * rule has run, so later rules and queries read it, and also emit it into the pipeline for the detectors. A store
 * sink on the same pipeline would write it a second time: the store does the work, then drops it as a duplicate.
 * `writeOnce` wraps the groups' source to note the series id and timestamp of each sample it emits, and the sink to
 * leave exactly those samples out. Other samples of the same series (another time) still go through.
 */
export function writeOnce(sources: readonly Source[], sink: Sink): { sources: Source[]; sink: Sink } {
  if (sources.length === 0) return { sources: [], sink };
  // series id → timestamp of the newest sample the groups emitted for it (a handful: one per recorded series)
  const written = new Map<number, number>();
  const note =
    (emit: Emit): Emit =>
    (batch) => {
      if (batch.kind === 'metrics')
        for (let i = 0; i < batch.length; i++) written.set(batch.series[i]!, batch.timestamps[i]!);
      return emit(batch);
    };
  const wrapped = sources.map((s): Source => {
    const listen = s.listen;
    return listen ? { ...s, listen: (emit, ctx) => listen(note(emit), ctx) } : s;
  });
  return {
    sources: wrapped,
    sink: {
      ...sink,
      write(batch, ctx) {
        const rest = batch.kind === 'metrics' && written.size > 0 ? without(batch, written) : batch;
        return rest.kind === 'metrics' && rest.length === 0 ? { ok: true } : sink.write(rest, ctx);
      },
    },
  };
}

/** `batch` less the samples whose (series, timestamp) is in `written`; the batch itself when it has none. */
function without(batch: MetricBatch, written: Map<number, number>): MetricBatch {
  let first = 0;
  while (first < batch.length && written.get(batch.series[first]!) !== batch.timestamps[first]) first++;
  if (first === batch.length) return batch;
  const out = new MetricBatchBuilder(Math.max(batch.length - 1, 1));
  for (let i = 0; i < batch.length; i++) {
    const id = batch.series[i]!;
    const t = batch.timestamps[i]!;
    if (written.get(id) !== t) out.push(id, t, batch.values[i]!, batch.stale?.[i] === 1);
  }
  return out.build();
}
