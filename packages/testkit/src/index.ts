export type { FakeClock, FakeClockOptions } from './clock.js';
export { fakeClock, settle } from './clock.js';
export type { SampleRow, TestContextOptions, TestStageContextOptions } from './context.js';
export { batchFromRows, rowsOf, testContext, testStageContext } from './context.js';
export type { AlerterSuiteContext, AlerterSuiteOptions } from './contract/alerter.js';
export { alerterChecks, testAlerter } from './contract/alerter.js';
export type { ContractCheck, SuiteOptions } from './contract/check.js';
export { runCheck, withRejectionGuard } from './contract/check.js';
export type { DetectorSuiteContext, DetectorSuiteOptions } from './contract/detector.js';
export { detectorChecks, testDetector } from './contract/detector.js';
export type { EventTally, Harness, SampleInput } from './contract/harness.js';
export { defaultSamples, harness, tallyEvents } from './contract/harness.js';
export type { ProcessorSuiteContext, ProcessorSuiteOptions } from './contract/processor.js';
export { processorChecks, testProcessor } from './contract/processor.js';
export type { SinkSuiteContext, SinkSuiteOptions } from './contract/sink.js';
export { sinkChecks, testSink } from './contract/sink.js';
export type { SourceSuiteContext, SourceSuiteOptions } from './contract/source.js';
export { sourceChecks, testSource } from './contract/source.js';
export type { StateStoreSuiteOptions } from './contract/state-store.js';
export { stateStoreChecks, testStateStore } from './contract/state-store.js';
export type { DetectorHook, HangingSourceOptions, ProcessorHook, SourceHook } from './fixtures/plugins.js';
export { hangingSource, throwingDetector, throwingProcessor, throwingSource } from './fixtures/plugins.js';
export type {
  FailingSinkOptions,
  HangingSinkOptions,
  SinkHook,
  SlowSinkOptions,
  ThrowingSinkOptions,
} from './fixtures/sinks.js';
export { failingSink, hangingSink, slowSink, throwingSink } from './fixtures/sinks.js';
export type { FixtureError, ThrowOptions } from './fixtures/throws.js';
export type { ManualSource, ManualSourceOptions, PushRow } from './manual-source.js';
export { manualSource } from './manual-source.js';
export type { MemorySink, MemorySinkOptions } from './memory-sink.js';
export { memorySink } from './memory-sink.js';
export type { BinaryRequirement } from './server/binary.js';
export { describeWithBinary, findBinary, requireBinary } from './server/binary.js';
export type { RedisServerOptions } from './server/redis.js';
export { startRedis } from './server/redis.js';
export type { RunningServer, ServerContext, StartServerOptions } from './server/server.js';
export { freePort, startServer } from './server/server.js';
export type {
  AlertmanagerOptions,
  ConfigText,
  NatsServerOptions,
  NodeExporterOptions,
  PrometheusOptions,
  VictoriaMetricsOptions,
} from './server/servers.js';
export {
  startAlertmanager,
  startNats,
  startNodeExporter,
  startPrometheus,
  startVictoriaMetrics,
} from './server/servers.js';
export { selfSignedCert } from './server/tls.js';
export { waitUntil } from './wait.js';
