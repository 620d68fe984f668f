import { cols } from './merge.js';
import { BUCKET_BYTES, type Partial, single } from './rollup.js';
import { NONE } from './sealed-chunks.js';
import type { SeriesData } from './series-data.js';
import type { StoreState } from './state.js';

/** Fixed bytes counted per series (index entries, objects); its labels belong to the pipeline's registry. */
const SERIES_OVERHEAD_BYTES = 200;

/** Estimated memory of everything the store holds. */
export function storeBytes(st: StoreState): number {
  let b = st.c.chunkBytes;
  for (const s of st.byLabelSet.values()) b += s.bufferBytes + SERIES_OVERHEAD_BYTES;
  for (const levels of st.rollups.values()) for (const l of levels) b += l.buckets.length * BUCKET_BYTES;
  b += (st.findings.length + st.alerts.length) * 400;
  return b;
}

/** Moves the oldest raw chunk of `s` into the first rollup level (or drops its samples when there is none). */
function evictOldest(st: StoreState, s: SeriesData): void {
  const ch = st.chunks;
  const c = ch.oldest(s.id);
  st.sealed(ch.byteLength(c), ch.n[c]!, -1);
  st.c.evictedChunks++;
  if (st.opts.rollups.length > 0) {
    const level = st.rollupsOf(s.id)[0]!;
    const d = cols(ch.n[c]!);
    ch.decodeInto(c, d.t, d.v, d.s, 0);
    for (let i = 0; i < d.t.length; i++) if (!d.s[i]) level.add(single(d.t[i]!, d.t[i]!, d.v[i]!));
  }
  ch.remove(s.id, c);
}

/** Hands evicted buckets of level `i` to level `i + 1`, or drops them at the last level. */
function cascade(st: StoreState, id: number, i: number, buckets: readonly Partial[]): void {
  const next = st.rollupsOf(id)[i + 1];
  if (next) for (const b of buckets) next.add(b);
}

/** Drops a series once nothing of it is left. */
function dropIfEmpty(st: StoreState, s: SeriesData): void {
  if (s.hasChunks || s.headN > 0 || s.ooo.n > 0) return;
  const levels = st.rollups.get(s.id);
  if (levels?.some((l) => l.buckets.length > 0)) return;
  st.drop(s);
}

/**
 * Applies retention by age, relative to the newest sample seen (data time, as Prometheus does): raw chunks
 * ending before `newest − retentionMs` go to the first rollup level; each level passes on what outlives it.
 */
export function enforceAge(st: StoreState): void {
  const rawCut = startAgeCheck(st);
  for (const s of [...st.byLabelSet.values()]) ageSeries(st, s, rawCut);
  ageEvents(st);
}

/**
 * {@link enforceAge} with a turn of the event loop (setImmediate) whenever `sliceMs` of work has passed: opening a
 * data directory written long ago evicts and rolls up most of its chunks, a block as long as the load itself.
 */
export async function enforceAgeInSlices(st: StoreState, sliceMs: number): Promise<void> {
  const rawCut = startAgeCheck(st);
  let sliceStart = performance.now();
  for (const s of [...st.byLabelSet.values()]) {
    ageSeries(st, s, rawCut);
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  ageEvents(st);
}

function startAgeCheck(st: StoreState): number {
  st.lastAgeCheck = st.newestT;
  return st.newestT - st.opts.retentionMs;
}

/** One series' share of an age check: its raw chunks before `rawCut` rolled up, its rollup levels cascaded. */
function ageSeries(st: StoreState, s: SeriesData, rawCut: number): void {
  // an idle series' head would otherwise keep old samples forever
  if (s.headN > 0 && s.headMaxT < rawCut && s.ooo.n === 0) s.seal();
  const ch = st.chunks;
  for (let c = ch.oldest(s.id); c !== NONE && ch.maxT[c]! < rawCut; c = ch.oldest(s.id)) evictOldest(st, s);
  const levels = st.rollups.get(s.id);
  if (levels) {
    st.opts.rollups.forEach((l, i) => {
      cascade(st, s.id, i, levels[i]!.evictBefore(st.newestT - l.retentionMs));
    });
  }
  dropIfEmpty(st, s);
}

/** Findings and alert changes older than every retention, dropped. */
function ageEvents(st: StoreState): void {
  const eventCut = st.newestT - Math.max(st.opts.retentionMs, ...st.opts.rollups.map((l) => l.retentionMs));
  if (st.findings.length > 0 && st.findings[0]!.timestamp < eventCut) {
    st.findings = st.findings.filter((f) => f.timestamp >= eventCut || !st.findingById.delete(f.id));
  }
  if (st.alerts.length > 0 && st.alerts[0]!.at < eventCut)
    st.alerts = st.alerts.filter((a) => a.at >= eventCut);
}

/**
 * Keeps memory under `maxBytes`: evicts the oldest raw chunks of all series (into rollups) until 90 % of
 * the budget, then, if still over, the oldest rollup buckets of the finest level first.
 */
export function enforceBytes(st: StoreState): void {
  st.sealedSinceCheck = 0;
  const max = st.opts.maxBytes;
  let bytes = storeBytes(st);
  if (bytes <= max) return;
  const target = max * 0.9;
  const ch = st.chunks;
  // chunk ids are only reused once a chunk is sealed: none is while this runs
  const all: { s: SeriesData; c: number }[] = [];
  for (const s of st.byLabelSet.values())
    for (let c = ch.oldest(s.id); c !== NONE; c = ch.next[c]!) all.push({ s, c });
  all.sort((a, b) => ch.maxT[a.c]! - ch.maxT[b.c]!);
  for (const { s, c } of all) {
    if (bytes <= target) break;
    if (ch.oldest(s.id) !== c) continue;
    const len = ch.byteLength(c);
    const before = st.rollups.get(s.id)?.[0]?.buckets.length ?? 0;
    evictOldest(st, s);
    const after = st.rollups.get(s.id)?.[0]?.buckets.length ?? 0;
    bytes -= len - (after - before) * BUCKET_BYTES;
  }
  for (let i = 0; i < st.opts.rollups.length && bytes > target; i++)
    bytes = dropBuckets(st, i, bytes, target);
  for (const s of [...st.byLabelSet.values()]) dropIfEmpty(st, s);
}

function dropBuckets(st: StoreState, level: number, bytes: number, target: number): number {
  const all: { id: number; start: number }[] = [];
  for (const [id, levels] of st.rollups)
    for (const b of levels[level]!.buckets) all.push({ id, start: b.start });
  all.sort((a, b) => a.start - b.start);
  let b = bytes;
  for (const { id } of all) {
    if (b <= target) break;
    const moved = st.rollupsOf(id)[level]!.dropOldest(1);
    cascade(st, id, level, moved);
    b -= BUCKET_BYTES;
  }
  return b;
}

/** Runs the checks that are due after an append. */
export function maintain(st: StoreState): void {
  // checking every series is O(series): do it every 2 % of the retention (compact() is exact)
  const ageStep = st.opts.retentionMs / 50;
  if (st.newestT - st.lastAgeCheck >= ageStep) enforceAge(st);
  if (st.sealedSinceCheck >= 256) enforceBytes(st);
}
