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
