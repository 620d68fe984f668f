import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgusError } from '@argus/core';
import { appendColumns } from '../internal/append.js';
import { sameLabels } from '../internal/series-table.js';
import type { StoreState } from '../internal/state.js';
import type { StoredAlert, StoredFinding } from '../types.js';
import { type FrameIssue, readFrames } from './frame.js';
import { readSamples, SampleBuf } from './journal.js';
import { jsonBody, REC, readRollup, readSeries, type SnapshotHeader, STORE_FORMAT } from './records.js';

/** A damaged region found while loading, with the message shown to the user. */
export interface RecoveryIssue {
  readonly file: string;
  readonly offset: number;
  readonly message: string;
}

function applySeries(st: StoreState, p: Uint8Array): void {
  const { id, labels } = readSeries(p);
  const existing = st.byId[id];
  // a record repeated (a flush retried after a partial write) must not reset the series
  if (existing && sameLabels(existing.labels, labels)) return;
  if (existing) st.drop(existing);
  const other = st.byLabelSet.get(labels);
  if (other) st.drop(other);
  st.create(id, labels);
}

/** Refuses a file written in a newer format than this release reads. */
function checkFormat(p: Uint8Array, file: string): void {
  const { version } = jsonBody<{ version: number }>(p);
  if (version > STORE_FORMAT)
    throw new ArgusError(
      'ERR_FORMAT_VERSION',
      `store: ${file} is data format ${version}, written by a newer @argus/store; this one reads formats up to ${STORE_FORMAT}. Upgrade @argus/store, or move the data directory aside to start afresh`,
    );
}

/** Columns every samples record is read into (loading is synchronous; appendColumns copies what it keeps). */
const samples = new SampleBuf();

/** Applies one record (from a snapshot or a segment) to the state. Journal must be off. */
function apply(st: StoreState, p: Uint8Array, header: { value?: SnapshotHeader }, file: string): void {
  switch (p[0]) {
    case REC.format:
      checkFormat(p, file);
      return;
    case REC.series:
      applySeries(st, p);
      return;
    case REC.samples: {
      const s = readSamples(p, samples);
      appendColumns(st, s.id, s.t, s.v, s.s, s.n);
      return;
    }
    case REC.chunk: {
      const id = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(1, true);
      const s = st.byId[id];
      if (s) {
        // copied into the store's pages: a view of the record is enough
        st.c.samples += s.restoreChunk(p.subarray(5));
      }
      return;
    }
    case REC.rollup: {
      const r = readRollup(p);
      if (st.byId[r.id]) st.rollupsOf(r.id)[r.level]?.buckets.push(...r.buckets);
      return;
    }
    case REC.finding:
      st.upsertFinding(jsonBody<StoredFinding>(p));
      return;
    case REC.alert:
      st.alerts.push(jsonBody<StoredAlert>(p));
      return;
    case REC.snapshotHeader:
      header.value = jsonBody<SnapshotHeader>(p);
      return;
    default:
  }
}

/**
 * Work done between two turns of the event loop while loading: opening a data directory of 11,550 series took
 * 0.4–0.8 s of CPU in one piece, which the host's timers and sockets waited for (a query engine's slice, 2 ms).
 */
export const LOAD_SLICE_MS = 2;

/**
 * Loads one file's records into the state, in slices of {@link LOAD_SLICE_MS} with a turn of the event loop
 * (setImmediate) between them; returns the damage found.
 */
export async function loadFile(
  st: StoreState,
  dir: string,
  name: string,
  header: { value?: SnapshotHeader } = {},
): Promise<RecoveryIssue[]> {
  // joined once: a join per record was the largest allocation of opening a store (18 MB for 35,000 records)
  const file = join(dir, name);
  const read = readFileSync(file);
  // a plain Uint8Array over the file's bytes (no copy): Buffer#slice would return views, Uint8Array#slice copies
  const buf = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
  const bad: RecoveryIssue[] = [];
  const onFrame = (p: Uint8Array, offset: number): void => {
    try {
      apply(st, p, header, file);
    } catch (err) {
      // a newer format is not damage to skip past: nothing in the file can be trusted to mean what we think
      if ((err as { code?: unknown }).code === 'ERR_FORMAT_VERSION') throw err;
      const message = `store: ${file}: unreadable record at byte ${offset} (${String(err)}); skipped`;
      bad.push({ file, offset, message });
    }
  };
  let sliceStart = performance.now();
  const spent = (): boolean => performance.now() - sliceStart >= LOAD_SLICE_MS;
  const issues: FrameIssue[] = [];
  for (let off = 0; ; ) {
    const r = readFrames(buf, onFrame, off, spent);
    issues.push(...r.issues);
    off = r.next;
    if (off >= buf.length) break;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  }
  return bad.concat(
    issues.map((i) => ({
      file,
      offset: i.offset,
      message:
        `store: ${file}: ${i.reason} at byte ${i.offset}; ${i.skipped} bytes skipped, ` +
        'every valid record before and after it was recovered',
    })),
  );
}
