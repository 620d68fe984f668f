export { type Alert, type AlertState, eventToAlert } from './alert.js';
export type { AlertTextInput, AlertTextOptions } from './alert-text.js';
export { describeSeries, formatAlertText, formatDuration, formatMetricValue } from './alert-text.js';
export type { AlertEvent, AlertEventBatch, LogBatch, LogRecord, MetricBatch, SourceBatch } from './batch.js';
export { EMPTY_METRICS, MetricBatchBuilder, metricBatch, sliceBatch } from './batch.js';
export type { Clock, TimerHandle } from './clock.js';
export { sleep, systemClock } from './clock.js';
export type {
  DetectorSettings,
  PipelineSettings,
  ProcessorSettings,
  Shape,
  SinkSettings,
  SourceSettings,
} from './config-schema.js';
export { entrySchemas, entryShapes, pipelineSettingsSchema, pipelineSettingsShape } from './config-schema.js';
export type { Definition, Factory } from './define.js';
export { defineAlerter, defineDetector, defineProcessor, defineSink, defineSource } from './define.js';
export { deprecate } from './deprecate.js';
export type { ErrorCode, Hook } from './errors.js';
export { ArgusError, isPluginError, PluginError, toPluginError } from './errors.js';
export type { Finding, FindingKind, FindingVerdict } from './finding.js';
export { clampScore, newFindingId } from './finding.js';
export type { TextHasher } from './fnv.js';
export { textHash } from './fnv.js';
export type { HttpFetchInit } from './http-fetch.js';
export { httpFetch } from './http-fetch.js';
export type { HttpRequestOptions, HttpResponse, HttpTlsOptions } from './http-request.js';
export { httpRequest } from './http-request.js';
export type { Labels } from './labels.js';
export { compareBytes, fingerprint, formatLabels, labelsKey } from './labels.js';
export type { Logger } from './logger.js';
export { childLogger, consoleLogger, silentLogger } from './logger.js';
export type { LabelMatcher, MatchOp } from './matchers.js';
export { labelMatcher, MatcherSyntaxError, matchesLabels, parseMatchers } from './matchers.js';
export type { OptionIssue, StandardSchemaV1 } from './options.js';
export { checkOptions, formatPath, optionsError, parseOptions } from './options.js';
export type { BatchOptions, BatchSummary } from './pipeline/batch-run.js';
export type {
  DetectorEntry,
  EntryBase,
  PipelineOptions,
  SinkEntry,
  SourceEntry,
  StartErrorPolicy,
  WhenFull,
} from './pipeline/config.js';
export type { DropReason, PipelineEvents, PipelineState } from './pipeline/events.js';
export type { StartOptions, StopOptions } from './pipeline/pipeline.js';
export { createPipeline, Pipeline } from './pipeline/pipeline.js';
export type { LastError, PipelineStats, PluginStats } from './pipeline/stats.js';
export type {
  AlertBatch,
  Alerter,
  AlerterInput,
  Detector,
  Emit,
  FindingBatch,
  Health,
  JudgedFinding,
  MetricsHook,
  Plugin,
  PluginBase,
  PluginContext,
  PluginKind,
  Processor,
  Sink,
  SinkBatch,
  SinkInputKind,
  Source,
  SourceHealth,
  StageContext,
  TimeRange,
  WriteResult,
} from './plugin.js';
export { API_VERSION } from './plugin.js';
export type { ListeningSource, PushListener, PushListenerOptions } from './push-listener.js';
export { pushListener } from './push-listener.js';
export { compileAnchored } from './regex.js';
export type { SeriesRegistry, SeriesRegistryOptions } from './series.js';
export { createSeriesRegistry, SERIES_REJECTED } from './series.js';
export {
  hashKey,
  jumpHash,
  ownsKey,
  type Shard,
  type ShardOption,
  shardFromHostname,
  shardOptionSchema,
} from './shard.js';
export { installShutdownHooks } from './shutdown.js';
export type { FileStateStoreOptions } from './state/file-store.js';
export { fileStateStore, openStateStore } from './state/file-store.js';
export type { SnapshotChanges, SnapshotParts } from './state/snapshot-encode.js';
export { assembleSnapshot } from './state/snapshot-encode.js';
export type { StateStore } from './state/store.js';
export { memoryStateStore, scopedStateStore } from './state/store.js';
export { didYouMean } from './suggest.js';
