export type { ChunkColumns } from './chunk/chunk.js';
export { decodeChunk, encodeChunk } from './chunk/chunk.js';
export type { ImportOpenMetricsOptions, ImportSummary, MetricMetadata } from './import/import-openmetrics.js';
export { ImportError, importOpenMetrics, METADATA_FILE } from './import/import-openmetrics.js';
export type { ResolvedStoreOptions, RollupLevel, StoreOptions } from './options.js';
export { storeOptionsSchema } from './options.js';
export type { RecoveryIssue } from './persist/load.js';
export type { StoreSinkOptions, StoreSourceOptions } from './plugins.js';
export { storeSink, storeSource } from './plugins.js';
export type { SampleColumns, SeriesRef, SeriesRefReads } from './series-refs.js';
export type { Store } from './store.js';
export { createStore } from './store.js';
export type {
  EventQuery,
  HistoryQuery,
  LatestSample,
  RangeAgg,
  RangeQuery,
  RangeSeries,
  RolledUpSpan,
  Selector,
  StoredAlert,
  StoredFinding,
  StoreStats,
} from './types.js';
export { writeOnce } from './write-once.js';
