import { expectNumbers, fmt, type Model } from '../model.js';
import { growF64 } from '../util/arrays.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../util/score.js';

/** Options of {@link seasonalModel}. */
export interface SeasonalModelOptions {
  /** Season length in ms, or `'auto'`: chosen at the end of warm-up among none, a day and a week. */
  readonly periodMs: number | 'auto';
  /** Width of one profile slot in ms (the profile's resolution). periodMs / slotMs must be ≤ 168. */
  readonly slotMs: number;
  /** Weight of a sample in the level (Holt-Winters α). */
  readonly levelAlpha: number;
  /** Weight of a sample in its slot's seasonal offset (Holt-Winters γ). */
  readonly seasonAlpha: number;
  readonly warmupSamples: number;
  /** Minimum share of variance a season must explain during warm-up to be used (auto only). */
  readonly minExplained: number;
  readonly zHalf: number;
  readonly bandSigma: number;
}

/** Slots per series: a week of hourly slots. */
export const MAX_SLOTS = 168;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const H = 6; // level, resid var, count, slots in use, slot width ms, clip scale (what a snapshot's head holds)
const SPARSE = 2; // warm-up hours a series keeps inline: (hour + 1, sum, count) each
const W = H + 3 * SPARSE; // doubles per series in the head array
const S = MAX_SLOTS * 3; // a snapshot's profile: offset, warm-up sum, warm-up count per slot

/**
 * Additive Holt-Winters-style baseline: an EWMA level plus a seasonal offset per time slot (by wall-clock time, so
 * gaps and irregular sampling do not shift the season), scored by the residual's robust z. Cost O(1) per point
 * (O(168) once, at the end of warm-up).
 *
 * Memory: 12 doubles per series. Warm-up sums by hour of the week live inline for the first two hours a series
 * sees (a warm-up of 120 samples at 15 s spans 30 minutes) and in a 336-double block only for series whose
 * warm-up spans more; the 168 seasonal offsets exist only for series that chose a season. A dense 504-double
 * profile per series cost 4 kB each, most of it zeros, in services watching 100k series that have none.
 * The arithmetic is the same as with a dense profile: each hour's sum is accumulated in one place, in order.
 */
export function seasonalModel(o: SeasonalModelOptions): Model {
  const st: SeasonalState = { head: new Float64Array(0), dense: new Map(), profiles: new Map() };
  const ensure = (id: number): number => {
    st.head = growF64(st.head, (id + 1) * W);
    return id * W;
  };
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v) || !Number.isFinite(t)) return 0;
      const h = ensure(id);
      const head = st.head;
      const n = (head[h + 2] as number) + 1;
      head[h + 2] = n;
      if (n <= o.warmupSamples) {
        warm(st, id, t, v, n, o);
        return 0;
      }
      return step(st, id, t, v, o, out);
    },
    explain(out: PointOut, v: number): string {
      return `value ${fmt(v)} is ${fmt(out.z)} standard deviations from the seasonal baseline ${fmt(out.expected)} (expected ${fmt(out.lower)}..${fmt(out.upper)} at this time of the cycle)`;
    },
    save(id: number): unknown {
      if ((id + 1) * W > st.head.length || st.head[id * W + 2] === 0) return undefined;
      const snap: SeasonalSnapshot = { head: Array.from(st.head.subarray(id * W, id * W + H)) };
      const sums = new Float64Array(S);
      warmSums(st, id, sums);
      const hours: number[] = [];
      for (let k = 0; k < MAX_SLOTS; k++) {
        if (sums[MAX_SLOTS + k] !== 0 || sums[2 * MAX_SLOTS + k] !== 0) {
          hours.push(k, sums[MAX_SLOTS + k] as number, sums[2 * MAX_SLOTS + k] as number);
        }
      }
      if (hours.length > 0) snap.hours = hours;
      const offsets = st.profiles.get(id);
      if (offsets) snap.offsets = Array.from(offsets);
      return snap;
    },
    load(id: number, state: unknown): void {
      const s = state as { head?: unknown; profile?: unknown; hours?: unknown; offsets?: unknown };
      const hv = expectNumbers('seasonal', 'head', s?.head, H);
      // older snapshots hold a dense 504-number profile: offsets, warm-up sums, warm-up counts
      const pv = s?.profile === undefined ? undefined : expectNumbers('seasonal', 'profile', s.profile, S);
      const hours = s?.hours === undefined ? [] : expectNumbers('seasonal', 'hours', s.hours);
      const ov =
        s?.offsets === undefined ? undefined : expectNumbers('seasonal', 'offsets', s.offsets, MAX_SLOTS);
      if (hours.length % 3 !== 0 || hours.some((x, i) => i % 3 === 0 && !(x! >= 0 && x! < MAX_SLOTS))) {
        throw new TypeError('seasonal: snapshot field hours is not a list of (hour 0..167, sum, count)');
      }
      const h = ensure(id);
      st.head.fill(0, h, h + W);
      st.dense.delete(id);
      st.profiles.delete(id);
      for (let i = 0; i < H; i++) st.head[h + i] = hv[i] ?? 0;
      const sums = new Float64Array(S);
      if (pv) for (let i = MAX_SLOTS; i < S; i++) sums[i] = pv[i] ?? 0;
      for (let i = 0; i < hours.length; i += 3) {
        sums[MAX_SLOTS + hours[i]!] = hours[i + 1] ?? 0;
        sums[2 * MAX_SLOTS + hours[i]!] = hours[i + 2] ?? 0;
      }
      loadWarmSums(st, id, sums);
      const offsets = ov ?? pv;
      if ((hv[3] ?? 0) > 1 && offsets) {
        const kept = new Float64Array(MAX_SLOTS);
        for (let i = 0; i < MAX_SLOTS; i++) kept[i] = offsets[i] ?? 0;
        st.profiles.set(id, kept);
      }
    },
  };
}

/** What {@link Model.save} returns for one series: the head, warm-up sums by hour, offsets when seasonal. */
interface SeasonalSnapshot {
  head: number[];
  /** (hour of the week, sum, count) per hour seen in warm-up; absent when none (after warm-up). */
  hours?: number[];
  /** Seasonal offsets by slot; absent when the series has no season. */
  offsets?: number[];
}

/** A seasonal model's per-series state. */
interface SeasonalState {
  /** {@link W} doubles per series: the {@link H} head fields, then the inline warm-up hours. */
  head: Float64Array;
  /** Warm-up sums (first MAX_SLOTS) and counts by hour of the week, for series that saw more than SPARSE hours. */
  readonly dense: Map<number, Float64Array>;
  /** Seasonal offsets by slot, for series that chose a season. */
  readonly profiles: Map<number, Float64Array>;
}

/** Scratch for the end of warm-up: offsets, warm-up sums and counts of one series, as a snapshot's profile. */
const scratch = new Float64Array(S);

function warm(st: SeasonalState, id: number, t: number, v: number, n: number, o: SeasonalModelOptions): void {
  const head = st.head;
  const h = id * W;
  addWarm(st, id, hourOfWeek(t), v);
  const m = head[h] as number;
  const a = 1 / n;
  head[h] = m + a * (v - m);
  head[h + 1] = (1 - a) * ((head[h + 1] as number) + a * (v - m) ** 2);
  if (n === o.warmupSamples) chooseSeason(st, id, o);
}

function hourOfWeek(t: number): number {
  const slot = Math.floor(t / HOUR) % MAX_SLOTS;
  return slot < 0 ? slot + MAX_SLOTS : slot;
}

/** Adds a warm-up sample to its hour: inline if the hour is there or a place is free, else the dense block. */
function addWarm(st: SeasonalState, id: number, slot: number, v: number): void {
  const head = st.head;
  const b0 = id * W + H;
  let free = -1;
  for (let b = b0; b < b0 + 3 * SPARSE; b += 3) {
    const tag = head[b] as number;
    if (tag === slot + 1) {
      head[b + 1] = (head[b + 1] as number) + v;
      head[b + 2] = (head[b + 2] as number) + 1;
      return;
    }
    if (tag === 0 && free < 0) free = b;
  }
  let dense = st.dense.get(id);
  if (dense === undefined && free >= 0) {
    head[free] = slot + 1;
    head[free + 1] = 0 + v;
    head[free + 2] = 1;
    return;
  }
  if (dense === undefined) {
    dense = new Float64Array(2 * MAX_SLOTS);
    st.dense.set(id, dense);
  }
  dense[slot] = (dense[slot] as number) + v;
  dense[MAX_SLOTS + slot] = (dense[MAX_SLOTS + slot] as number) + 1;
}

/** Writes the warm-up sums and counts of series `id` into `profile` (snapshot layout); offsets are left alone. */
function warmSums(st: SeasonalState, id: number, profile: Float64Array): void {
  const dense = st.dense.get(id);
  if (dense) profile.set(dense, MAX_SLOTS);
  const head = st.head;
  const b0 = id * W + H;
  for (let b = b0; b < b0 + 3 * SPARSE; b += 3) {
    const tag = head[b] as number;
    if (tag === 0) continue;
    // an hour is inline or in the dense block, never both: adding to the block's 0 is exact
    profile[MAX_SLOTS + tag - 1] = (profile[MAX_SLOTS + tag - 1] as number) + (head[b + 1] as number);
    profile[2 * MAX_SLOTS + tag - 1] = (profile[2 * MAX_SLOTS + tag - 1] as number) + (head[b + 2] as number);
  }
}

/** The inverse of {@link warmSums} (sums and counts in snapshot layout): inline when at most SPARSE hours, else dense. */
function loadWarmSums(st: SeasonalState, id: number, pv: Float64Array): void {
  const hours: number[] = [];
  for (let k = 0; k < MAX_SLOTS; k++) {
    if (pv[MAX_SLOTS + k] !== 0 || pv[2 * MAX_SLOTS + k] !== 0) hours.push(k);
  }
  if (hours.length === 0) return;
  if (hours.length <= SPARSE) {
    hours.forEach((k, i) => {
      const b = id * W + H + 3 * i;
      st.head[b] = k + 1;
      st.head[b + 1] = pv[MAX_SLOTS + k] as number;
      st.head[b + 2] = pv[2 * MAX_SLOTS + k] as number;
    });
    return;
  }
  const dense = new Float64Array(2 * MAX_SLOTS);
  dense.set(pv.subarray(MAX_SLOTS));
  st.dense.set(id, dense);
}

/** Fits the warm-up means to the candidate seasons and keeps the one explaining most variance (if enough). */
function chooseSeason(st: SeasonalState, id: number, o: SeasonalModelOptions): void {
  const head = st.head;
  const h = id * W;
  const prof = scratch;
  prof.fill(0);
  warmSums(st, id, prof);
  // warm-up sums are only read here: drop them, so snapshots after warm-up carry none
  st.dense.delete(id);
  head.fill(0, h + H, h + W);
  const total = head[h + 1] as number;
  const mean = head[h] as number;
  const candidates = o.periodMs === 'auto' ? [DAY, 7 * DAY] : [o.periodMs];
  let best = 0;
  let bestGain = o.periodMs === 'auto' ? o.minExplained : Number.NEGATIVE_INFINITY;
  for (const period of candidates) {
    const gain = explained(prof, period, mean) / (total + scaleFloor(mean));
    if (gain > bestGain + 0.05) {
      best = period;
      bestGain = gain;
    }
  }
  const width = o.periodMs === 'auto' ? HOUR : o.slotMs;
  const slots = best === 0 ? 1 : Math.min(MAX_SLOTS, Math.ceil(best / width));
  head[h + 3] = slots;
  head[h + 4] = width;
  if (best === 0) return;
  // Seed each slot's offset from the warm-up hours that fold onto it.
  const offsets = new Float64Array(MAX_SLOTS);
  for (let slot = 0; slot < slots; slot++) {
    let sum = 0;
    let cnt = 0;
    for (let k = slot; k < MAX_SLOTS; k += slots) {
      sum += prof[MAX_SLOTS + k] as number;
      cnt += prof[2 * MAX_SLOTS + k] as number;
    }
    offsets[slot] = cnt > 0 ? sum / cnt - mean : 0;
  }
  st.profiles.set(id, offsets);
  head[h + 1] = Math.max(total * (1 - bestGain), 0);
}

function explained(prof: Float64Array, period: number, mean: number): number {
  const slots = Math.min(MAX_SLOTS, Math.round(period / HOUR));
  let between = 0;
  let all = 0;
  for (let slot = 0; slot < slots; slot++) {
    let sum = 0;
    let cnt = 0;
    for (let k = slot; k < MAX_SLOTS; k += slots) {
      sum += prof[MAX_SLOTS + k] as number;
      cnt += prof[2 * MAX_SLOTS + k] as number;
    }
    if (cnt > 1) between += cnt * (sum / cnt - mean) ** 2;
    all += cnt;
  }
  return all > 0 ? between / all : 0;
}

function step(
  st: SeasonalState,
  id: number,
  t: number,
  v: number,
  o: SeasonalModelOptions,
  out: PointOut,
): number {
  const head = st.head;
  const h = id * W;
  const slots = head[h + 3] as number;
  // a series without a season has offset 0 in every slot
  const prof = slots > 1 ? st.profiles.get(id) : undefined;
  const idx = prof === undefined ? 0 : Math.floor(t / (head[h + 4] as number)) % slots;
  const level = head[h] as number;
  const season = prof === undefined ? 0 : (prof[idx] as number);
  const varr = head[h + 1] as number;
  const sd = Math.sqrt(varr) + scaleFloor(level);
  const expected = level + season;
  const r = v - expected;
  const rc = Math.max(-3 * sd, Math.min(3 * sd, r));
  head[h] = level + o.levelAlpha * rc;
  if (prof !== undefined) prof[idx] = season + o.seasonAlpha * rc;
  head[h + 1] = (1 - o.levelAlpha) * (varr + o.levelAlpha * rc * rc);
  out.expected = expected;
  out.lower = expected - o.bandSigma * sd;
  out.upper = expected + o.bandSigma * sd;
  out.kind = 'seasonalDeviation';
  out.z = Math.abs(r) / sd;
  out.score = scoreFromZ(out.z, o.zHalf);
  return out.score;
}
