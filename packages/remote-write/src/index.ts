export type { ListeningSource } from '@argus/core';
export { createOtlpHandler, type OtlpHandler, type OtlpHandlerOptions } from './otlp-handler.js';
export {
  type OtlpReceiver,
  type OtlpReceiverOptions,
  otlpReceiver,
  otlpReceiverOptions,
} from './otlp-receiver.js';
export { otlpLabelName, otlpMetricName } from './otlp-series.js';
export { type DecodedSeries, decodeWriteRequest } from './read-request.js';
export {
  createRemoteWriteHandler,
  type RemoteWriteHandler,
  type RemoteWriteHandlerOptions,
  toMetricBatch,
} from './receive-handler.js';
export {
  type RemoteWriteReceiver,
  type RemoteWriteReceiverOptions,
  remoteWriteReceiver,
  remoteWriteReceiverOptions,
} from './receiver.js';
export { type RemoteWriteSinkOptions, remoteWriteSink } from './sink.js';
export { encodeWriteRequest, type SeriesSamples, STALE_NAN } from './write-request.js';
