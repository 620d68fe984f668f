import { EMPTY_METRICS, type MetricBatch, type SeriesRegistry } from '@argus/core';
import { compactRows, growU8, RegistryGuard } from './arrays.js';

const UNKNOWN = 0;
const KEEP = 1;
const DROP = 2;

/**
 * A keep/drop decision per series, made once (when its id is first seen) and cached in a byte per id, so the hot
 * path does no string work. The processors that only select series (filter, shardSeries) share it.
 */
export class SeriesDecisions {
  private bytes = new Uint8Array(0);
  private readonly guard = new RegistryGuard();

  /** `decide` is called once per series id; `onReset` when a new registry makes the cached ids meaningless. */
  constructor(
    private readonly decide: (id: number, series: SeriesRegistry) => boolean,
    private readonly onReset: () => void = () => {},
  ) {}

  /** The rows of `batch` whose series are kept: the batch itself when all are, new arrays otherwise. */
  select(batch: MetricBatch, series: SeriesRegistry): MetricBatch {
    if (this.guard.changed(series)) {
      this.bytes = new Uint8Array(0);
      this.onReset();
    }
    const n = batch.length;
    if (n === 0) return batch;
    const out = new Int32Array(n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const id = batch.series[i]!;
      if (id < 0) {
        out[i] = -1;
        continue;
      }
      if (id >= this.bytes.length) this.bytes = growU8(this.bytes, id + 1);
      let d = this.bytes[id]!;
      if (d === UNKNOWN) d = this.bytes[id] = this.decide(id, series) ? KEEP : DROP;
      out[i] = d === KEEP ? id : -1;
      if (d === KEEP) kept++;
    }
    if (kept === n) return batch;
    if (kept === 0) return EMPTY_METRICS;
    return compactRows(batch, out, kept);
  }
}
