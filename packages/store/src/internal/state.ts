import type { Labels } from '@argus/core';
import type { ResolvedStoreOptions } from '../options.js';
import type { StoredAlert, StoredFinding } from '../types.js';
import { Heads } from './heads.js';
import { Postings } from './postings.js';
import { RollupSeries } from './rollup.js';
import { SealedChunks } from './sealed-chunks.js';
import { type SeriesConfig, SeriesData } from './series-data.js';
import { SeriesTable } from './series-table.js';

/** What persistence is told about, in order; the store works without one. */
export interface Journal {
  series(id: number, labels: Labels): void;
  sample(id: number, t: number, v: number, stale: number): void;
  finding(f: StoredFinding): void;
  alert(a: StoredAlert): void;
}

/** Mutable counters behind `stats()`. */
export interface Counters {
  samples: number;
  chunkBytes: number;
  chunkSamples: number;
  chunks: number;
  outOfOrderAccepted: number;
  outOfOrderRejected: number;
  duplicatesIgnored: number;
  duplicatesRejected: number;
  duplicatesOverwritten: number;
  invalidTimestamps: number;
  evictedChunks: number;
}

/** Everything a store holds; shared by its modules, never exported from the package. */
export class StoreState {
  /** Live series by label set (by a hash of it: no key string per series). */
  readonly byLabelSet: SeriesTable<SeriesData> = new SeriesTable();
  /**
   * Series by the very label object the store keeps (the one `series()` and `readSeries()` hand out): a caller
   * passing it back, as PromQL reading series by series does, is found without building its key again.
   */
  readonly byLabels: WeakMap<Labels, SeriesData> = new WeakMap();
  /** Live series by label name and value, for selectors (see `matching`). */
  readonly postings: Postings<SeriesData> = new Postings();
  /** Store series ids are indexes here; removed series leave a hole. */
  readonly byId: (SeriesData | undefined)[] = [];
  readonly rollups: Map<number, RollupSeries[]> = new Map();
  findings: StoredFinding[] = [];
  /** Findings by id: a finding judged later (a verdict added) comes again and replaces the first record. */
  readonly findingById: Map<string, StoredFinding> = new Map();
  alerts: StoredAlert[] = [];
  newestT: number = Number.NEGATIVE_INFINITY;
  journal: Journal | undefined;
  sealedSinceCheck = 0;
  lastAgeCheck: number = Number.NEGATIVE_INFINITY;
  readonly c: Counters = {
    samples: 0,
    chunkBytes: 0,
    chunkSamples: 0,
    chunks: 0,
    outOfOrderAccepted: 0,
    outOfOrderRejected: 0,
    duplicatesIgnored: 0,
    duplicatesRejected: 0,
    duplicatesOverwritten: 0,
    invalidTimestamps: 0,
    evictedChunks: 0,
  };
  readonly cfg: SeriesConfig;

  constructor(readonly opts: ResolvedStoreOptions) {
    this.cfg = {
      chunkSamples: opts.chunkSamples,
      oooWindowMs: opts.outOfOrderWindowMs,
      overwrite: opts.onDuplicate === 'overwrite',
      onChunk: (bytes, n, sign) => this.sealed(bytes, n, sign),
      heads: new Heads(),
      chunks: new SealedChunks(),
    };
  }

  /** The sealed chunks of every series. */
  get chunks(): SealedChunks {
    return this.cfg.chunks;
  }

  /** Byte and sample accounting for a chunk of `bytes` bytes and `n` samples added (+1) or removed (-1). */
  sealed(bytes: number, n: number, sign: 1 | -1): void {
    this.c.chunkBytes += sign * bytes;
    this.c.chunkSamples += sign * n;
    this.c.chunks += sign;
    if (sign === 1) this.sealedSinceCheck++;
  }

  /** The store id of a label set, creating the series on first sight. */
  intern(labels: Labels): number {
    const known = this.byLabelSet.get(labels);
    if (known) return known.id;
    // a frozen label set (the pipeline's registry hands those out) cannot change under the store: keep it as is
    return this.create(this.byId.length, Object.isFrozen(labels) ? labels : Object.freeze({ ...labels })).id;
  }

  /** Creates a series with a given id (also used when recovering from disk). */
  create(id: number, labels: Labels): SeriesData {
    const s = new SeriesData(id, labels, this.cfg);
    const replaced = this.byLabelSet.set(s);
    if (replaced) this.postings.remove(replaced);
    this.postings.add(s);
    this.byLabels.set(labels, s);
    this.byId[id] = s;
    this.journal?.series(id, labels);
    return s;
  }

  /** Records a finding, or updates the one with the same id in place. Returns whether it was new. */
  upsertFinding(rec: StoredFinding): boolean {
    const old = this.findingById.get(rec.id);
    if (old) {
      Object.assign(old, rec);
      return false;
    }
    this.findingById.set(rec.id, rec);
    this.findings.push(rec);
    return true;
  }

  /** The rollup levels of a series, created on first use. */
  rollupsOf(id: number): RollupSeries[] {
    let r = this.rollups.get(id);
    if (!r) {
      r = this.opts.rollups.map((l) => new RollupSeries(l.stepMs));
      this.rollups.set(id, r);
    }
    return r;
  }

  /** The live series with these labels, if any. */
  find(labels: Labels): SeriesData | undefined {
    const known = this.byLabels.get(labels);
    // a dropped series stays in the WeakMap while its labels live on: only trust the entry if it is still current
    if (known && this.byId[known.id] === known) return known;
    return this.byLabelSet.get(labels);
  }

  /** Removes a series that holds nothing any more (series churn). */
  drop(s: SeriesData): void {
    this.byLabelSet.delete(s);
    this.postings.remove(s);
    this.byId[s.id] = undefined;
    this.rollups.delete(s.id);
    s.releaseHead();
    // a series replaced while loading may still hold chunks: their bytes go back to the pages
    this.chunks.initSeries(s.id);
  }
}
