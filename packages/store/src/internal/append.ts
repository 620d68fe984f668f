import { MAX_ABS_TIMESTAMP } from '../chunk/chunk.js';
import { Append } from './series-data.js';
import type { StoreState } from './state.js';

/**
 * Appends columns of samples (store series ids). The hot path: no allocation per sample, outcome
 * counted per sample. Returns the number stored.
 */
export function appendColumns(
  st: StoreState,
  ids: ArrayLike<number>,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  stale: ArrayLike<number> | undefined,
  n: number,
): number {
  const c = st.c;
  const j = st.journal;
  let stored = 0;
  let newest = st.newestT;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    // NaN fails the first test, ±Inf the range
    if (!(Math.floor(t) === t && t <= MAX_ABS_TIMESTAMP && t >= -MAX_ABS_TIMESTAMP)) {
      c.invalidTimestamps++;
      continue;
    }
    const s = st.byId[ids[i]!];
    if (!s) continue;
    const f = stale ? stale[i]! : 0;
    // the common case inline: in order, not stale, no journal
    if (t > s.maxT && f === 0 && j === undefined) {
      s.push(t, vs[i]!);
      if (t > newest) newest = t;
      stored++;
      continue;
    }
    const r = s.append(t, vs[i]!, f);
    if (r === Append.Ok || r === Append.OutOfOrder || r === Append.DuplicateOverwritten) {
      stored++;
      if (t > newest) newest = t;
      j?.sample(s.id, t, vs[i]!, f);
      if (r === Append.OutOfOrder) {
        c.outOfOrderAccepted++;
        if (s.oooFull) foldOoo(st, s.id);
      } else if (r === Append.DuplicateOverwritten) c.duplicatesOverwritten++;
    } else if (r === Append.Duplicate) c.duplicatesIgnored++;
    else if (r === Append.DuplicateRejected) c.duplicatesRejected++;
    else c.outOfOrderRejected++;
  }
  c.samples += stored;
  st.newestT = newest;
  return stored;
}

/** Folds a series' out-of-order buffer into its chunks, keeping the byte accounting right. */
export function foldOoo(st: StoreState, id: number): void {
  const s = st.byId[id];
  if (!s) return;
  const before = st.c.duplicatesRejected + st.c.duplicatesOverwritten;
  s.foldOoo(st.c);
  // duplicates found only at merge time were already counted as stored samples
  st.c.samples -= st.c.duplicatesRejected + st.c.duplicatesOverwritten - before;
}
