// Online seasonal as it was before its per-sample work was cut (issue 13, branch h/steady13), kept unchanged so
// test/ensemble-equality.test.ts can check the new code scores and saves every sample with the same bits.
import { expectNumbers, fmt, type Model } from '../../src/model.js';
import { growI32 } from '../../src/util/arrays.js';
import { BlockPool } from '../../src/util/blocks.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../../src/util/score.js';
import { seriesSlots } from '../../src/util/slots.js';

/** Options of {@link onlineSeasonalModel}. */
export interface OnlineSeasonalModelOptions {
  /** Weight of a sample in the shared level (EWMA α). */
  readonly levelAlpha: number;
  /** Weight of a sample in its hour's daily and weekly offsets. */
  readonly seasonAlpha: number;
  /** Weight of a sample in each candidate's residual variance (the evidence the choice is made on). */
  readonly varianceAlpha: number;
  /** Share of the level-only residual variance a season must remove to be used. */
  readonly minExplained: number;
  /** Periods a series must span before that season can be used (2: two days for daily, two weeks for weekly). */
  readonly periodsBeforeUse: number;
  /** Residuals are clipped to this many standard deviations before updating (after warm-up). */
  readonly clipSigma: number;
  /** Multiplies the surprise (a combination weight when the model is an ensemble member). */
  readonly surpriseScale: number;
  readonly warmupSamples: number;
  readonly zHalf: number;
  readonly bandSigma: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
// count, level, first timestamp, residual variance of none / daily / weekly (doubles); then 24 daily and 168 weekly
// offsets, kept as 32-bit floats: 7 digits are plenty for a correction learned at seasonAlpha, and they are 192 of
// the series' 198 numbers (memory per series, issue 22)
const HEAD = 6;
const OFFSETS = 24 + 168;
const FIELDS = HEAD + OFFSETS;
// a series' first hour: its one daily and one weekly offset in use, held in the head (rounded to 32 bits, as a block
// holds them) until a sample falls in another hour; its blocks are allocated then. Most series a preset watches are
// that young while it warms up, and two blocks are 192 bytes for the 2 of their 48 offsets in use (issue 13)
const INLINE = HEAD;
const WIDTH = HEAD + 2;
// the offsets in blocks of a day's 24 hours, each allocated when the series first has a sample in it: block 0 the
// daily offsets, blocks 1..7 the weekly ones by day of the week. A series younger than a day holds 2 of its 8
// blocks (issue 13: most series a service watches are young, and many never live a week)
const BLOCK = 24;
const BLOCKS = OFFSETS / BLOCK;

/**
 * Seasonal baseline whose season is chosen online, not once at the end of warm-up: three residual models share one
 * EWMA level and run side by side from the first sample: none, daily (24 hourly offsets) and weekly (168). Each keeps
 * an exponentially weighted variance of its own clipped residual; a season is used once the series spans
 * `periodsBeforeUse` of its periods and its variance is below (1 − minExplained) of the level-only one, and the
 * lowest such variance wins. A warm-up of 120 samples is 10 hours of 5-minute data or 30 minutes at 15 s, too short to
 * see a day: `seasonal`, which decides then, almost never finds one.
 * Cost O(1) per point; memory: 8 doubles and 8 block numbers per series, and up to 192 floats (24 for each day of
 * the week the series has had a sample in, and 24 daily ones, allocated once a series has samples in two hours): 96
 * bytes in its first hour, 288 once it has seen one day of the week, 864 once a week old.
 */
export function onlineSeasonalModel(o: OnlineSeasonalModelOptions): Model {
  const slots = seriesSlots(WIDTH);
  const pool = new BlockPool(BLOCK);
  // per series id, its blocks' numbers + 1 (0: not allocated; its offsets are all 0)
  let blockOf = new Int32Array(0) as Int32Array;
  /** The block at `blockOf[at]`, allocated (all zeros) when there is none yet. */
  const take = (at: number): number => {
    const k = pool.alloc();
    blockOf[at] = k + 1;
    return k;
  };
  const block = (id: number, b: number): number => {
    const at = id * BLOCKS + b;
    if (at >= blockOf.length) blockOf = growI32(blockOf, (id + 1) * BLOCKS);
    const k = (blockOf[at] as number) - 1;
    return k >= 0 ? k : take(at);
  };
  /** Block `b` of series `id`, or -1 when it has none. */
  const find = (id: number, b: number): number => {
    const at = id * BLOCKS + b;
    return at < blockOf.length ? (blockOf[at] as number) - 1 : -1;
  };
  /**
   * Moves the first hour's two offsets of series `id` (head at `b` in `s`) into its blocks, allocating them. Every
   * series with blocks has its daily one: a series without it is in its first hour.
   */
  const spill = (id: number, s: Float64Array, b: number): void => {
    const hour = Math.floor((s[b + 2] as number) / HOUR);
    const hW = ((hour % 168) + 168) % 168;
    const kD = block(id, 0);
    const kW = block(id, 1 + ((hW / BLOCK) | 0));
    pool.page(kD)[pool.offset(kD) + (((hour % 24) + 24) % 24)] = s[b + INLINE] as number;
    pool.page(kW)[pool.offset(kW) + (hW % BLOCK)] = s[b + INLINE + 1] as number;
    s[b + INLINE] = 0;
    s[b + INLINE + 1] = 0;
  };
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      const b = Number.isFinite(t) ? slots.begin(id, v, out) : -1;
      if (b < 0) return 0;
      const s = slots.data;
      const n = (s[b] as number) + 1;
      s[b] = n;
      if (n === 1) {
        s[b + 1] = v;
        s[b + 2] = t;
        return 0;
      }
      const level = s[b + 1] as number;
      const hour = Math.floor(t / HOUR);
      const hW = ((hour % 168) + 168) % 168;
      const at = id * BLOCKS;
      let fD: Float32Array | Float64Array = s;
      let fW: Float32Array | Float64Array = s;
      let iD = b + INLINE;
      let iW = b + INLINE + 1;
      // (block numbers by id grow only once a series has blocks: while all are young, there are none)
      let kD = find(id, 0);
      if (kD >= 0 || hour !== Math.floor((s[b + 2] as number) / HOUR)) {
        if (kD < 0) {
          spill(id, s, b);
          kD = find(id, 0);
        }
        // room for all 8 of the series' block numbers (blockOf grows by half: its length need not be a multiple of 8)
        if (at + BLOCKS > blockOf.length) blockOf = growI32(blockOf, at + BLOCKS);
        const atW = at + 1 + ((hW / BLOCK) | 0);
        let kW = (blockOf[atW] as number) - 1;
        if (kW < 0) kW = take(atW);
        // pages after both blocks are allocated (the first page may grow)
        fD = pool.page(kD);
        fW = pool.page(kW);
        iD = pool.offset(kD) + (((hour % 24) + 24) % 24);
        iW = pool.offset(kW) + (hW % BLOCK);
      }
      const span = t - (s[b + 2] as number);
      const r0 = v - level;
      const rD = r0 - (fD[iD] as number);
      const rW = r0 - (fW[iW] as number);
      const v0 = s[b + 3] as number;
      const vD = s[b + 4] as number;
      const vW = s[b + 5] as number;
      // the candidate with the lowest residual variance among those allowed (none always is)
      let r = r0;
      let best = v0;
      let seasonal = false;
      let bar = v0 * (1 - o.minExplained);
      if (span >= o.periodsBeforeUse * DAY && vD < bar) {
        r = rD;
        best = vD;
        bar = vD;
        seasonal = true;
      }
      if (span >= o.periodsBeforeUse * WEEK && vW < bar) {
        r = rW;
        best = vW;
        seasonal = true;
      }
      const floor = scaleFloor(level);
      const sd = Math.sqrt(best) + floor;
      const warm = n <= o.warmupSamples;
      const k = o.clipSigma;
      s[b + 1] = level + Math.max(o.levelAlpha, 1 / n) * (warm ? r : clip(r, k * sd));
      const c0 = warm ? r0 : clip(r0, k * (Math.sqrt(v0) + floor));
      const cD = warm ? rD : clip(rD, k * (Math.sqrt(vD) + floor));
      const cW = warm ? rW : clip(rW, k * (Math.sqrt(vW) + floor));
      const a = Math.max(o.varianceAlpha, 1 / n);
      s[b + 3] = (1 - a) * (v0 + a * c0 * c0);
      s[b + 4] = (1 - a) * (vD + a * cD * cD);
      s[b + 5] = (1 - a) * (vW + a * cW * cW);
      // Math.fround: the head holds an offset as its block would (a no-op for a block's Float32Array)
      fD[iD] = Math.fround((fD[iD] as number) + o.seasonAlpha * cD);
      fW[iW] = Math.fround((fW[iW] as number) + o.seasonAlpha * cW);
      const expected = v - r;
      out.expected = expected;
      out.lower = expected - o.bandSigma * sd;
      out.upper = expected + o.bandSigma * sd;
      out.kind = seasonal ? 'seasonalDeviation' : r >= 0 ? 'spike' : 'dip';
      if (warm) return 0;
      out.z = (o.surpriseScale * Math.abs(r)) / sd;
      out.score = scoreFromZ(out.z, o.zHalf);
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      return `value ${fmt(v)} is ${fmt(out.z)} standard deviations from its baseline ${fmt(out.expected)} (expected ${fmt(out.lower)}..${fmt(out.upper)})`;
    },
    save(id: number): unknown {
      const all = slots.save(id);
      if (all === undefined) return undefined;
      // the same 198 numbers as when the offsets were one dense array: blocks not allocated are zeros
      const values = all.slice(0, HEAD).concat(new Array<number>(OFFSETS).fill(0));
      if (find(id, 0) < 0 && (all[INLINE] !== 0 || all[INLINE + 1] !== 0)) {
        // first hour: its two offsets where their blocks would hold them
        const hour = Math.floor((all[2] as number) / HOUR);
        const hW = ((hour % 168) + 168) % 168;
        values[HEAD + (((hour % 24) + 24) % 24)] = all[INLINE] as number;
        values[HEAD + BLOCK + hW] = all[INLINE + 1] as number;
      }
      for (let b = 0; b < BLOCKS; b++) {
        const k = find(id, b);
        if (k < 0) continue;
        const page = pool.page(k);
        const from = pool.offset(k);
        for (let i = 0; i < BLOCK; i++) values[HEAD + b * BLOCK + i] = page[from + i] as number;
      }
      return values;
    },
    load(id: number, state: unknown): void {
      const values = expectNumbers('onlineSeasonal', 'state', state, FIELDS);
      // the head's first-hour offsets cleared: a loaded series keeps its offsets in blocks (below)
      slots.load(id, values.slice(0, HEAD));
      let none = find(id, 0) < 0;
      for (let b = 0; b < BLOCKS; b++) {
        const at = HEAD + b * BLOCK;
        let any = false;
        for (let i = 0; i < BLOCK && !any; i++) any = (values[at + i] ?? 0) !== 0;
        // an all-zero block reads as 0 whether allocated or not: allocate only what holds something, and the daily
        // block with any other (a series without it is read as in its first hour)
        if (!any && find(id, b) < 0) continue;
        if (none) {
          block(id, 0);
          none = false;
        }
        const k = block(id, b);
        const page = pool.page(k);
        const from = pool.offset(k);
        for (let i = 0; i < BLOCK; i++) page[from + i] = values[at + i] ?? 0;
      }
    },
  };
}

function clip(r: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, r));
}
