const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib) of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Frame header: u32 payload length, u32 its bitwise complement (so a resync scan rejects random positions
 * without checksumming), u32 CRC-32 of the payload; little-endian.
 */
export const FRAME_HEADER = 12;
/** Largest payload a frame may claim; anything larger is treated as corruption. */
export const MAX_FRAME: number = 64 * 1024 * 1024;

/** Wraps a payload in a frame. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length, true);
  dv.setUint32(4, ~payload.length >>> 0, true);
  dv.setUint32(8, crc32(payload), true);
  out.set(payload, FRAME_HEADER);
  return out;
}

/** A problem found while reading a file; `offset` is the byte where the bad frame starts. */
export interface FrameIssue {
  readonly offset: number;
  readonly reason: string;
  /** Bytes skipped before the next valid frame (or to the end of the file). */
  readonly skipped: number;
}

function validAt(buf: Uint8Array, dv: DataView, off: number): number {
  if (off + FRAME_HEADER > buf.length) return -1;
  const len = dv.getUint32(off, true);
  if (len === 0 || len > MAX_FRAME || dv.getUint32(off + 4, true) !== ~len >>> 0) return -1;
  if (off + FRAME_HEADER + len > buf.length) return -1;
  return crc32(buf, off + FRAME_HEADER, off + FRAME_HEADER + len) === dv.getUint32(off + 8, true) ? len : -1;
}

/** Frames read between two asks of `stop` (the clock is read every few frames only). */
const FRAMES_PER_ASK = 64;

/**
 * Reads every valid frame of a file from byte `from`. After a bad frame (checksum mismatch, impossible length,
 * truncation) it scans forward byte by byte for the next frame whose checksum holds, so one damaged region costs
 * only the records inside it. Stops early, at a frame boundary, when `stop()` says so (asked every few frames):
 * `next` is where to go on from (`buf.length` when done).
 */
export function readFrames(
  buf: Uint8Array,
  onFrame: (payload: Uint8Array, offset: number) => void,
  from = 0,
  stop?: () => boolean,
): { issues: FrameIssue[]; next: number } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const issues: FrameIssue[] = [];
  let off = from;
  let frames = 0;
  while (off < buf.length) {
    if (stop && ++frames % FRAMES_PER_ASK === 0 && stop()) break;
    const len = validAt(buf, dv, off);
    if (len >= 0) {
      onFrame(buf.subarray(off + FRAME_HEADER, off + FRAME_HEADER + len), off);
      off += FRAME_HEADER + len;
      continue;
    }
    const bad = off;
    const reason =
      off + FRAME_HEADER > buf.length || off + FRAME_HEADER + dv.getUint32(off, true) > buf.length
        ? 'truncated record'
        : 'checksum mismatch';
    let next = off + 1;
    while (next < buf.length && validAt(buf, dv, next) < 0) next++;
    issues.push({ offset: bad, reason, skipped: next - bad });
    off = next;
  }
  return { issues, next: off };
}
