export type { NatsSinkOptions, NatsSourceOptions } from './options.js';
export { natsSink } from './sink.js';
export { natsSource } from './source.js';
