import {
  type Alert,
  type Finding,
  type Labels,
  type MetricBatch,
  matchesLabels,
  type SeriesRegistry,
} from '@argus/core';
import { appendColumns, foldOoo } from './internal/append.js';
import {
  latestQuery,
  matching,
  matchingInSlices,
  rangeQuery,
  toMatchers,
  withRollups,
} from './internal/query.js';
import { enforceAge, enforceBytes, maintain, storeBytes } from './internal/retention.js';
import { rolledUp } from './internal/rolled-up.js';
import { StoreState } from './internal/state.js';
import { type ResolvedStoreOptions, resolveStoreOptions, type StoreOptions } from './options.js';
import { openPersistence, type Persistence, type RecoveryIssue } from './persist/persistence.js';
import { type SeriesRefReads, seriesRefReads } from './series-refs.js';
import type {
  EventQuery,
  HistoryQuery,
  LatestSample,
  RangeQuery,
  RangeSeries,
  RolledUpSpan,
  Selector,
  StoredAlert,
  StoredFinding,
  StoreStats,
} from './types.js';

/** The embedded history: compressed samples, findings and alerts. Made by {@link createStore}. */
export interface Store extends HistoryQuery, SeriesRefReads {
  /**
   * Loads the data directory (when configured) and starts flushing; idempotent. Memory-only stores need no open.
   * Loading runs in slices of about 2 ms with a turn of the event loop between them: reads before it resolves see
   * part of the data, and writes wait for it. Damaged files are reported through `log` (default `console.warn`),
   * naming the file and byte offset.
   */
  open(options?: { log?: (message: string) => void }): Promise<void>;
  /** Damage found by `open()` in the data directory (empty when none). */
  recoveryIssues(): readonly RecoveryIssue[];
  /** Writes buffered records to the segment file now. */
  flush(): Promise<void>;
  /** Flushes, writes a snapshot and releases the data directory; idempotent. */
  close(): Promise<void>;
  /** The store's own id for a label set (created on first sight). */
  intern(labels: Labels): number;
  /** Appends one sample. Returns whether it was stored (see {@link StoreStats} for why not). */
  append(labels: Labels, timestamp: number, value: number, stale?: boolean): boolean;
  /** Appends a pipeline batch; series ids are resolved to labels through `registry`. Returns samples stored. */
  appendBatch(batch: MetricBatch, registry: SeriesRegistry): number;
  /** Records findings beside the samples. */
  recordFindings(findings: readonly Finding[], registry: SeriesRegistry): void;
  /** Records alert state changes. */
  recordAlerts(alerts: readonly Alert[]): void;
  /** Findings with from ≤ timestamp < to whose series labels match. */
  findings(query: EventQuery): StoredFinding[];
  /** Alert changes with from ≤ at < to whose labels match. */
  alerts(query: EventQuery): StoredAlert[];
  /** Samples in [from, to) of one series, raw, in time order (out-of-order samples merged). */
  samples(
    labels: Labels,
    from: number,
    to: number,
  ): { timestamps: Float64Array; values: Float64Array; stale: Uint8Array };
  /**
   * Samples of matching series in [from, to) for batch reads: raw samples, and where raw data has been
   * rolled up, one point per rollup bucket (at its start) carrying the bucket's `avg` or `last` unless
   * `rollups` is `'none'`. @default rollups 'none'
   */
  readSeries(
    matchers: Selector,
    from: number,
    to: number,
    rollups?: 'avg' | 'last' | 'none',
  ): { labels: Labels; timestamps: Float64Array; values: Float64Array; stale: Uint8Array }[];
  /**
   * Whether matching series hold only rollups somewhere in [from, to) (their raw samples there were evicted by
   * age or `maxBytes`): how many, and the span. Undefined when raw samples (or nothing) cover the range.
   */
  rolledUp(matchers: Selector, from: number, to: number): RolledUpSpan | undefined;
  /** Applies retention (age, then bytes) now; it also runs by itself as data arrives. */
  compact(): void;
  stats(): StoreStats;
}

/**
 * Creates a store. Memory-only unless `dataDir` is set (then call `open()` before writing).
 * @example
 * const store = createStore({ retentionMs: 2 * 86_400_000, dataDir: '.argus/store' });
 * await store.open();
 * store.append({ __name__: 'up', job: 'api' }, Date.now(), 1);
 */
export function createStore(options?: StoreOptions): Store {
  const opts = resolveStoreOptions(options);
  const st = new StoreState(opts);
  return { ...lifecycleApi(st, opts), ...writeApi(st), ...readApi(st), ...seriesRefReads(st) };
}

type LifecycleApi = Pick<Store, 'open' | 'recoveryIssues' | 'flush' | 'close'>;

function lifecycleApi(st: StoreState, opts: ResolvedStoreOptions): LifecycleApi {
  let persistence: Persistence | undefined;
  let opening: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  return {
    open(o) {
      if (!opts.dataDir) return Promise.resolve();
      opening ??= openPersistence(st, opts, o?.log ?? ((m) => console.warn(m))).then((p) => {
        persistence = p;
      });
      return opening;
    },
    recoveryIssues: () => persistence?.issues ?? [],
    flush: async () => persistence?.flush(),
    close() {
      closing ??= (async () => {
        await opening;
        await persistence?.close();
      })();
      return closing;
    },
  };
}

/** Maps a pipeline registry's series ids to store ids, caching per registry (one lookup of labels per series). */
function idMapper(st: StoreState): (batch: MetricBatch, reg: SeriesRegistry) => Int32Array {
  const regCache = new WeakMap<SeriesRegistry, Int32Array>();
  let scratch = new Int32Array(1024);
  return (batch, reg) => {
    let map = regCache.get(reg) ?? new Int32Array(0);
    if (scratch.length < batch.length) scratch = new Int32Array(batch.length * 2);
    for (let i = 0; i < batch.length; i++) {
      const rid = batch.series[i]!;
      if (rid >= map.length) {
        const g = new Int32Array(Math.max(rid + 1, map.length * 2)).fill(-1);
        g.set(map);
        map = g;
        regCache.set(reg, map);
      }
      let sid = map[rid]!;
      // a series dropped by retention gets a new id: re-check that the cached one is alive
      if (sid < 0 || st.byId[sid] === undefined) {
        sid = st.intern(reg.labels(rid));
        map[rid] = sid;
      }
      scratch[i] = sid;
    }
    return scratch;
  };
}

type WriteApi = Pick<Store, 'intern' | 'append' | 'appendBatch' | 'recordFindings' | 'recordAlerts'>;

function writeApi(st: StoreState): WriteApi {
  const mapIds = idMapper(st);
  // typed scratch columns: a plain array would canonicalise NaN payloads (V8 double arrays do)
  const one = { id: new Int32Array(1), t: new Float64Array(1), v: new Float64Array(1), s: new Uint8Array(1) };
  return {
    intern: (labels) => st.intern(labels),
    append(labels, t, v, stale = false) {
      one.id[0] = st.intern(labels);
      one.t[0] = t;
      one.v[0] = v;
      one.s[0] = stale ? 1 : 0;
      const stored = appendColumns(st, one.id, one.t, one.v, one.s, 1) === 1;
      maintain(st);
      return stored;
    },
    appendBatch(batch, registry) {
      if (batch.length === 0) return 0;
      const ids = mapIds(batch, registry);
      const n = appendColumns(st, ids, batch.timestamps, batch.values, batch.stale, batch.length);
      maintain(st);
      return n;
    },
    recordFindings(findings, registry) {
      for (const { series, ...rest } of findings) {
        const rec: StoredFinding = { ...rest, labels: registry.labels(series) };
        st.upsertFinding(rec);
        st.journal?.finding(rec);
      }
      st.findings.sort((a, b) => a.timestamp - b.timestamp);
    },
    recordAlerts(alerts) {
      for (const alert of alerts) {
        const at = alert.state === 'resolved' ? (alert.endsAt ?? alert.startsAt) : alert.startsAt;
        const rec: StoredAlert = { at, alert };
        st.alerts.push(rec);
        st.journal?.alert(rec);
      }
      st.alerts.sort((a, b) => a.at - b.at);
    },
  };
}

function eventFilter<T>(
  list: readonly T[],
  q: EventQuery,
  at: (x: T) => number,
  labels: (x: T) => Labels,
): T[] {
  const m = q.matchers === undefined ? [] : toMatchers(q.matchers);
  return list.filter((x) => at(x) >= q.from && at(x) < q.to && matchesLabels(m, labels(x)));
}

type ReadApi = Omit<Store, keyof LifecycleApi | keyof WriteApi | keyof SeriesRefReads>;

function readApi(st: StoreState): ReadApi {
  return {
    findings: (q) =>
      eventFilter(
        st.findings,
        q,
        (f) => f.timestamp,
        (f) => f.labels,
      ),
    alerts: (q) =>
      eventFilter(
        st.alerts,
        q,
        (a) => a.at,
        (a) => a.alert.labels,
      ),
    samples(labels, from, to) {
      const s = st.find(labels);
      if (!s)
        return { timestamps: new Float64Array(0), values: new Float64Array(0), stale: new Uint8Array(0) };
      // read() hands out arrays of its own (decoded or copied for this call): no second copy
      const r = s.read(from, to);
      return { timestamps: r.t, values: r.v, stale: r.s };
    },
    readSeries: (sel, from, to, rollups = 'none') =>
      matching(st, sel).map((s) => {
        const r = withRollups(st, s, s.read(from, to), from, to, rollups);
        return { labels: s.labels, timestamps: r.t, values: r.v, stale: r.s };
      }),
    rolledUp: (sel, from, to) => rolledUp(st, sel, from, to),
    compact() {
      for (const s of [...st.byLabelSet.values()]) if (s.ooo.n > 0) foldOoo(st, s.id);
      enforceAge(st);
      enforceBytes(st);
    },
    series: async (sel, options) => (await matchingInSlices(st, sel, options?.signal)).map((s) => s.labels),
    range: async (q: RangeQuery): Promise<RangeSeries[]> => rangeQuery(st, q),
    latest: async (sel): Promise<LatestSample[]> => latestQuery(st, sel),
    stats: () => ({
      ...st.c,
      series: st.byLabelSet.size,
      bytes: storeBytes(st),
      findings: st.findings.length,
      alerts: st.alerts.length,
    }),
  };
}
