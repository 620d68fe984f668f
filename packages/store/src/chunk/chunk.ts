import { BitReader, BitWriter } from './bits.js';
import { findScale, readDecimalValues, writeDecimalValues } from './decimal.js';
import { DOD_CODE, type IntCode, readInt, writeInt } from './ints.js';
import { readXorValues, writeXorValues } from './xor.js';

/** Value coding of a chunk. */
export const ENC_XOR = 0;
/** Scaled decimal integers (a lossless special case tried before XOR). */
export const ENC_DECIMAL = 1;

/** Most samples one chunk holds. u16 fields in the header bound it. */
export const MAX_CHUNK_SAMPLES = 65_535;

/** Largest |timestamp| a chunk accepts: keeps every delta-of-delta a safe integer. */
export const MAX_ABS_TIMESTAMP: number = 2 ** 51;

/** One writer reused by every encode: encoding is synchronous, and this saves an allocation per chunk. */
const writer = new BitWriter(1024);

/** Decoded columns of a chunk. `stale` is undefined when no sample is stale. */
export interface ChunkColumns {
  readonly n: number;
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly stale: Uint8Array | undefined;
}

/** Stale sample indexes of the chunk staged in {@link writer} (encoding is synchronous). */
const staged: { enc: number; scale: number; n: number; stale: number[] } = {
  enc: 0,
  scale: 0,
  n: 0,
  stale: [],
};

/**
 * Encodes samples [start, start+n) into a self-describing chunk:
 * `u8 encoding | u8 scale | u16 count | u16 staleCount | u16 staleIndex × staleCount | bit stream`.
 * The bit stream holds the first timestamp (64 bits), then delta-of-deltas (Prometheus's buckets),
 * then the values (XOR, or scaled decimals when every value is one exactly). Timestamps must be
 * non-decreasing safe integers within ±2^51 ms; the caller checks.
 * @param scaleHint the scale of the series' previous chunk, tried first (-1 for none)
 */
export function encodeChunk(
  t: Float64Array,
  v: Float64Array,
  stale: Uint8Array | undefined,
  start: number,
  n: number,
  scaleHint = -1,
): Uint8Array {
  const out = new Uint8Array(stageChunk(t, v, stale, start, n, scaleHint));
  writeStaged(out, 0);
  return out;
}

/**
 * Encodes a chunk as {@link encodeChunk} does, but keeps it staged in a shared writer and returns its length in
 * bytes: the caller writes it where it wants it with {@link writeStaged} (a store copies it into a shared page, with
 * no array of its own), before the next chunk is staged.
 */
export function stageChunk(
  t: Float64Array,
  v: Float64Array,
  stale: Uint8Array | undefined,
  start: number,
  n: number,
  scaleHint = -1,
): number {
  if (n < 1 || n > MAX_CHUNK_SAMPLES) throw new RangeError(`chunk size ${n} outside 1..${MAX_CHUNK_SAMPLES}`);
  const staleIdx = staged.stale;
  staleIdx.length = 0;
  if (stale) for (let i = 0; i < n; i++) if (stale[start + i]) staleIdx.push(i);
  const w = writer;
  w.reset();
  writeTimestamps(w, t, start, n);
  const k = findScale(v, start, n, scaleHint);
  if (k >= 0) writeDecimalValues(w, n);
  else writeXorValues(w, v, start, n);
  staged.enc = k >= 0 ? ENC_DECIMAL : ENC_XOR;
  staged.scale = Math.max(k, 0);
  staged.n = n;
  return 6 + 2 * staleIdx.length + w.byteLength;
}

/** Writes the chunk staged by {@link stageChunk} into `out` at byte `at` (room for its length needed). */
export function writeStaged(out: Uint8Array, at: number): void {
  const { n, stale: staleIdx } = staged;
  out[at] = staged.enc;
  out[at + 1] = staged.scale;
  out[at + 2] = n >>> 8;
  out[at + 3] = n & 0xff;
  out[at + 4] = staleIdx.length >>> 8;
  out[at + 5] = staleIdx.length & 0xff;
  for (let j = 0; j < staleIdx.length; j++) {
    out[at + 6 + 2 * j] = staleIdx[j]! >>> 8;
    out[at + 7 + 2 * j] = staleIdx[j]! & 0xff;
  }
  writer.copyTo(out, at + 6 + 2 * staleIdx.length);
}

function writeTimestamps(w: BitWriter, t: Float64Array, start: number, n: number): void {
  writeInt(w, { widths: [] }, t[start]!);
  let prev = t[start]!;
  let prevDelta = 0;
  let zeros = 0; // regular scrapes give long runs of zero delta-of-deltas: one bit each, written in bulk
  for (let i = start + 1; i < start + n; i++) {
    const ts = t[i]!;
    const d = ts - prev;
    const dod = d - prevDelta;
    prevDelta = d;
    prev = ts;
    if (dod === 0) {
      zeros++;
      continue;
    }
    for (; zeros > 0; zeros -= 32) w.write(0, Math.min(zeros, 32));
    zeros = 0;
    writeInt(w, DOD_CODE, dod);
  }
  for (; zeros > 0; zeros -= 32) w.write(0, Math.min(zeros, 32));
}

/** Number of samples in an encoded chunk (starting at byte `at` of `bytes`), read from its header. */
export function chunkLength(bytes: Uint8Array, at = 0): number {
  return (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/** The scale of a decimal chunk, -1 for an XOR chunk (the next chunk's hint). */
export function chunkScale(bytes: Uint8Array, at = 0): number {
  return bytes[at] === ENC_DECIMAL ? bytes[at + 1]! : -1;
}

/** Decodes a chunk made by {@link encodeChunk}. Throws `RangeError` on an unknown encoding. */
export function decodeChunk(bytes: Uint8Array): ChunkColumns {
  const n = chunkLength(bytes);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const s = new Uint8Array(n);
  const stale = decodeInto(bytes, t, v, s, 0);
  return { n, t, v, stale: stale ? s : undefined };
}

/** One reader for every chunk decode (decoding is synchronous): a reader per chunk was an object and a copy each. */
const reader = new BitReader(new Uint8Array(0));
/** The first timestamp: a whole 64-bit integer. */
const FIRST_T: IntCode = { widths: [] };

/**
 * Points the shared reader at the bit stream (after the stale indexes) of the chunk in bytes [at, at + len) of
 * `bytes` (a chunk in a shared page says where it ends: the reader copies no further); returns it.
 */
function streamOf(bytes: Uint8Array, at: number, len: number): BitReader {
  const head = 6 + 2 * ((bytes[at + 4]! << 8) | bytes[at + 5]!);
  reader.load(bytes, at + head, len - head);
  return reader;
}

/** The first timestamp of a chunk, read without decoding the rest. */
export function decodeFirstT(bytes: Uint8Array): number {
  return readInt(streamOf(bytes, 0, bytes.length), FIRST_T);
}

/**
 * A chunk's first and last timestamps into `out`, from its timestamps alone (the values, after them in the stream,
 * are not decoded and nothing is allocated): what a store loading its chunks needs to know of each.
 */
export function chunkTimeBounds(
  bytes: Uint8Array,
  out: { minT: number; maxT: number },
  at = 0,
  len: number = bytes.length - at,
): void {
  const n = chunkLength(bytes, at);
  const r = streamOf(bytes, at, len);
  let t = readInt(r, FIRST_T);
  out.minT = t;
  let delta = 0;
  for (let i = 1; i < n; i++) {
    delta += readInt(r, DOD_CODE);
    t += delta;
  }
  out.maxT = t;
}

/**
 * Decodes a chunk into columns at `offset` (they must have room for its length); stale flags are set to
 * 1 where stale and left as they are elsewhere (pass zeroed memory). Returns whether any sample is stale.
 * The chunk is bytes [at, at + len) of `bytes` (by default all of them).
 */
export function decodeInto(
  bytes: Uint8Array,
  t: Float64Array,
  v: Float64Array,
  s: Uint8Array,
  offset: number,
  at = 0,
  len: number = bytes.length - at,
): boolean {
  const enc = bytes[at];
  if (enc !== ENC_XOR && enc !== ENC_DECIMAL) throw new RangeError(`unknown chunk encoding ${enc}`);
  const n = chunkLength(bytes, at);
  const ns = (bytes[at + 4]! << 8) | bytes[at + 5]!;
  for (let j = 0; j < ns; j++) s[offset + ((bytes[at + 6 + 2 * j]! << 8) | bytes[at + 7 + 2 * j]!)] = 1;
  const r = streamOf(bytes, at, len);
  let prev = readInt(r, FIRST_T);
  t[offset] = prev;
  let delta = 0;
  for (let i = 1; i < n; i++) {
    delta += readInt(r, DOD_CODE);
    prev += delta;
    t[offset + i] = prev;
  }
  const out = v.subarray(offset, offset + n);
  if (enc === ENC_DECIMAL) readDecimalValues(r, out, n, bytes[at + 1]!);
  else readXorValues(r, out, n);
  return ns > 0;
}
