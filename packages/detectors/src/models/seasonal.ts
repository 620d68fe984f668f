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
const H = 6; // level, resid var, count, slots in use, slot width ms, clip scale
const S = MAX_SLOTS * 3; // offset, warm-up sum, warm-up count

/**
 * Additive Holt-Winters-style baseline: an EWMA level plus a seasonal offset per time slot (by wall-clock time, so
 * gaps and irregular sampling do not shift the season), scored by the residual's robust z. Cost O(1) per point
 * (O(168) once, at the end of warm-up); memory 6 + 504 doubles per series.
 */
export function seasonalModel(o: SeasonalModelOptions): Model {
  let head = new Float64Array(0) as Float64Array;
  let prof = new Float64Array(0) as Float64Array;
  const ensure = (id: number): void => {
    head = growF64(head, (id + 1) * H);
    prof = growF64(prof, (id + 1) * S);
  };
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v) || !Number.isFinite(t)) return 0;
      ensure(id);
      const h = id * H;
      const n = (head[h + 2] as number) + 1;
      head[h + 2] = n;
      if (n <= o.warmupSamples) {
        warm(head, prof, id, t, v, n, o);
        return 0;
      }
      return step(head, prof, id, t, v, o, out);
    },
    explain(out: PointOut, v: number): string {
      return `value ${fmt(v)} is ${fmt(out.z)} standard deviations from the seasonal baseline ${fmt(out.expected)} (expected ${fmt(out.lower)}..${fmt(out.upper)} at this time of the cycle)`;
    },
    save(id: number): unknown {
      if ((id + 1) * H > head.length || head[id * H + 2] === 0) return undefined;
      return {
        head: Array.from(head.subarray(id * H, (id + 1) * H)),
        profile: Array.from(prof.subarray(id * S, (id + 1) * S)),
      };
    },
    load(id: number, state: unknown): void {
      const st = state as { head?: unknown; profile?: unknown };
      const hv = expectNumbers('seasonal', 'head', st?.head, H);
      const pv = expectNumbers('seasonal', 'profile', st?.profile, S);
      ensure(id);
      for (let i = 0; i < H; i++) head[id * H + i] = hv[i] ?? 0;
      for (let i = 0; i < S; i++) prof[id * S + i] = pv[i] ?? 0;
    },
  };
}

function warm(
  head: Float64Array,
  prof: Float64Array,
  id: number,
  t: number,
  v: number,
  n: number,
  o: SeasonalModelOptions,
): void {
  const h = id * H;
  const slot = Math.floor(t / 3_600_000) % MAX_SLOTS;
  const p = id * S + MAX_SLOTS;
  prof[p + slot] = (prof[p + slot] as number) + v;
  prof[p + MAX_SLOTS + slot] = (prof[p + MAX_SLOTS + slot] as number) + 1;
  const m = head[h] as number;
  const a = 1 / n;
  head[h] = m + a * (v - m);
  head[h + 1] = (1 - a) * ((head[h + 1] as number) + a * (v - m) ** 2);
  if (n === o.warmupSamples) chooseSeason(head, prof, id, o);
}

/** Fits the warm-up means to the candidate seasons and keeps the one explaining most variance (if enough). */
function chooseSeason(head: Float64Array, prof: Float64Array, id: number, o: SeasonalModelOptions): void {
  const h = id * H;
  const total = head[h + 1] as number;
  const mean = head[h] as number;
  const candidates = o.periodMs === 'auto' ? [DAY, 7 * DAY] : [o.periodMs];
  let best = 0;
  let bestGain = o.periodMs === 'auto' ? o.minExplained : Number.NEGATIVE_INFINITY;
  for (const period of candidates) {
    const gain = explained(prof, id, period, mean) / (total + scaleFloor(mean));
    if (gain > bestGain + 0.05) {
      best = period;
      bestGain = gain;
    }
  }
  const width = o.periodMs === 'auto' ? 3_600_000 : o.slotMs;
  const slots = best === 0 ? 1 : Math.min(MAX_SLOTS, Math.ceil(best / width));
  head[h + 3] = slots;
  head[h + 4] = width;
  const offsets = id * S;
  prof.fill(0, offsets, offsets + MAX_SLOTS);
  if (best === 0) return;
  // Seed each slot's offset from the warm-up hours that fold onto it.
  for (let slot = 0; slot < slots; slot++) {
    let sum = 0;
    let cnt = 0;
    for (let k = slot; k < MAX_SLOTS; k += slots) {
      sum += prof[offsets + MAX_SLOTS + k] as number;
      cnt += prof[offsets + 2 * MAX_SLOTS + k] as number;
    }
    prof[offsets + slot] = cnt > 0 ? sum / cnt - mean : 0;
  }
  head[h + 1] = Math.max(total * (1 - bestGain), 0);
}

function explained(prof: Float64Array, id: number, period: number, mean: number): number {
  const slots = Math.min(MAX_SLOTS, Math.round(period / 3_600_000));
  const base = id * S;
  let between = 0;
  let all = 0;
  for (let slot = 0; slot < slots; slot++) {
    let sum = 0;
    let cnt = 0;
    for (let k = slot; k < MAX_SLOTS; k += slots) {
      sum += prof[base + MAX_SLOTS + k] as number;
      cnt += prof[base + 2 * MAX_SLOTS + k] as number;
    }
    if (cnt > 1) between += cnt * (sum / cnt - mean) ** 2;
    all += cnt;
  }
  return all > 0 ? between / all : 0;
}

function step(
  head: Float64Array,
  prof: Float64Array,
  id: number,
  t: number,
  v: number,
  o: SeasonalModelOptions,
  out: PointOut,
): number {
  const h = id * H;
  const slots = head[h + 3] as number;
  const idx = id * S + (slots <= 1 ? 0 : Math.floor(t / (head[h + 4] as number)) % slots);
  const level = head[h] as number;
  const season = prof[idx] as number;
  const varr = head[h + 1] as number;
  const sd = Math.sqrt(varr) + scaleFloor(level);
  const expected = level + season;
  const r = v - expected;
  const rc = Math.max(-3 * sd, Math.min(3 * sd, r));
  head[h] = level + o.levelAlpha * rc;
  if (slots > 1) prof[idx] = season + o.seasonAlpha * rc;
  head[h + 1] = (1 - o.levelAlpha) * (varr + o.levelAlpha * rc * rc);
  out.expected = expected;
  out.lower = expected - o.bandSigma * sd;
  out.upper = expected + o.bandSigma * sd;
  out.kind = 'seasonalDeviation';
  out.z = Math.abs(r) / sd;
  out.score = scoreFromZ(out.z, o.zHalf);
  return out.score;
}
