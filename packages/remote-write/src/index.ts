export { type RemoteWriteSinkOptions, remoteWriteSink } from './sink.js';
export { encodeWriteRequest, type SeriesSamples, STALE_NAN } from './write-request.js';
