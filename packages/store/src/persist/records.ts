import type { Labels } from '@argus/core';
import type { Partial } from '../internal/rollup.js';
import type { StoredAlert, StoredFinding } from '../types.js';

/** Record types inside frames (segments and snapshots share them). */
export const REC = {
  series: 1,
  samples: 2,
  finding: 3,
  alert: 4,
  snapshotHeader: 10,
  chunk: 11,
  rollup: 12,
  snapshotEnd: 13,
  format: 14,
} as const;

/**
 * The data-file format this release writes and the newest it reads. Each segment and snapshot opens with a
 * `format` record saying its version; a file without one was written by 1.0 and is format 1 (the same records).
 */
export const STORE_FORMAT = 1;

/** The record that opens every segment and snapshot. */
export function formatRecord(): Uint8Array {
  return jsonRecord(REC.format, { version: STORE_FORMAT });
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Bytes per sample in a samples record: u32 series, f64 time, f64 value, u8 stale. */
export const SAMPLE_BYTES = 21;

function withType(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length);
  out[0] = type;
  out.set(body, 1);
  return out;
}

/** A JSON-bodied record (findings, alerts, snapshot header). */
export function jsonRecord(type: number, value: unknown): Uint8Array {
  return withType(type, enc.encode(JSON.stringify(value)));
}

/** Parses the JSON body of a record. */
export function jsonBody<T>(payload: Uint8Array): T {
  return JSON.parse(dec.decode(payload.subarray(1))) as T;
}

/** A series record: id and labels. */
export function seriesRecord(id: number, labels: Labels): Uint8Array {
  const json = enc.encode(JSON.stringify(labels));
  const out = new Uint8Array(5 + json.length);
  out[0] = REC.series;
  new DataView(out.buffer).setUint32(1, id, true);
  out.set(json, 5);
  return out;
}

/** Reads a series record. */
export function readSeries(p: Uint8Array): { id: number; labels: Labels } {
  const id = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(1, true);
  return { id, labels: JSON.parse(dec.decode(p.subarray(5))) as Labels };
}

/** A chunk record: series id then the encoded chunk bytes. */
export function chunkRecord(id: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + bytes.length);
  out[0] = REC.chunk;
  new DataView(out.buffer).setUint32(1, id, true);
  out.set(bytes, 5);
  return out;
}

/** A rollup record: series id, level, then seven float64 per bucket. */
export function rollupRecord(id: number, level: number, buckets: readonly Partial[]): Uint8Array {
  const out = new Uint8Array(6 + buckets.length * 56);
  out[0] = REC.rollup;
  const dv = new DataView(out.buffer);
  dv.setUint32(1, id, true);
  out[5] = level;
  let o = 6;
  for (const b of buckets) {
    for (const x of [b.start, b.min, b.max, b.sum, b.count, b.last, b.lastT]) {
      dv.setFloat64(o, x, true);
      o += 8;
    }
  }
  return out;
}

/** Reads a rollup record. */
export function readRollup(p: Uint8Array): { id: number; level: number; buckets: Partial[] } {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const buckets: Partial[] = [];
  for (let o = 6; o + 56 <= p.length; o += 56) {
    const f = (k: number): number => dv.getFloat64(o + 8 * k, true);
    buckets.push({ start: f(0), min: f(1), max: f(2), sum: f(3), count: f(4), last: f(5), lastT: f(6) });
  }
  return { id: dv.getUint32(1, true), level: p[5]!, buckets };
}

/** What a snapshot header says. */
export interface SnapshotHeader {
  /** Segments numbered up to this one are contained in the snapshot. */
  readonly segment: number;
  readonly newestT: number;
  readonly nextId: number;
}

/** Typed re-export for findings and alerts records. */
export type EventRecord = StoredFinding | StoredAlert;
