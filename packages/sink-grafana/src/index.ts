export type { GrafanaSinkOptions } from './schema.js';
export { grafanaSinkSchema } from './schema.js';
export { grafanaSink } from './sink.js';
