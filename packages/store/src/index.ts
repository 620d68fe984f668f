export type { ChunkColumns } from './chunk/chunk.js';
export { decodeChunk, encodeChunk } from './chunk/chunk.js';
