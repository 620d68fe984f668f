import { parseOptions } from '@argus/core';
import { type GroundTruthAnomaly, resolveAnomalies, type SeriesContext, type Window } from './anomalies.js';
import { normal, STREAM } from './random.js';
import { type ResolvedSpec, type SeriesSpec, specSchema } from './spec.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
// 1970-01-04 was a Sunday: the weekly sinusoid peaks mid-week, on Wednesday noon UTC
const WEEK_PEAK = 3 * DAY + 3.5 * DAY;

/** Range and seed of {@link generateSeries}. */
export interface GenerateOptions {
  /** Start, ms since epoch, inclusive. Samples fall on multiples of `stepMs`. */
  from: number;
  /** End, exclusive. */
  to: number;
  stepMs: number;
  seed: number;
  /** Index of the series among its siblings, so siblings with one seed differ. @default 0 */
  seriesIndex?: number;
  /** Span that fractional anomaly `at` values refer to. @default { from, to } */
  span?: { from: number; to: number };
}

/** Samples of one series plus its ground truth. */
export interface GeneratedSeries {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** 1 where the sample lies inside an injected anomaly. */
  readonly labels: Uint8Array;
  /** Every injected anomaly overlapping the range (not clipped to it). */
  readonly anomalies: GroundTruthAnomaly[];
}

/** Running total of a counter, carried between consecutive calls so live polling stays O(new samples). */
export interface CounterCarry {
  /** Last step index summed (−∞ when none). */
  k: number;
  sum: number;
}

function cleanValue(spec: ResolvedSpec, ctx: SeriesContext, k: number, t: number): number {
  let v = spec.base + (spec.trendPerHour * (t - spec.originMs)) / HOUR;
  if (spec.daily !== 0) v += spec.daily * Math.cos((2 * Math.PI * (t - spec.peakHourUtc * HOUR)) / DAY);
  if (spec.weekly !== 0) v += spec.weekly * Math.cos((2 * Math.PI * (t - WEEK_PEAK)) / WEEK);
  if (spec.noise > 0) v += spec.noise * normal(ctx.seed, ctx.seriesIndex, k, STREAM.noise);
  return v;
}

function applyWindow(
  w: Window,
  v: number,
  spec: ResolvedSpec,
  ctx: SeriesContext,
  t: number,
): number | undefined {
  switch (w.kind) {
    case 'spike':
    case 'levelShift':
      return v + w.magnitude;
    case 'dip':
      return v - w.magnitude;
    case 'drift':
      return v + (w.magnitude * (t - w.start + ctx.stepMs)) / (w.end - w.start);
    case 'flatline':
      // a counter that flatlines stops counting: its rate is zero
      return spec.kind === 'counter' ? 0 : cleanValue(spec, ctx, w.start / ctx.stepMs, w.start);
    case 'reset':
      return spec.kind === 'counter' ? v : 0;
    case 'gap':
      return undefined;
  }
}

/** Value at step k (a gauge value, or a counter's rate); `undefined` inside a gap. */
function valueAt(spec: ResolvedSpec, ctx: SeriesContext, k: number, t: number, ws: Window[]) {
  let v: number | undefined = cleanValue(spec, ctx, k, t);
  let inside = 0;
  let gap = false;
  for (const w of ws) {
    if (t < w.start || t >= w.end) continue;
    inside = 1;
    const next = applyWindow(w, v ?? 0, spec, ctx, t);
    if (next === undefined) gap = true;
    else v = next;
  }
  return { v: gap ? undefined : v, inside, gap };
}

/** Output columns for steps [k0, k1), trimmed afterwards to the samples actually present. */
class Columns {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly l: Uint8Array;
  n = 0;
  constructor(size: number) {
    this.t = new Float64Array(size);
    this.v = new Float64Array(size);
    this.l = new Uint8Array(size);
  }
  push(t: number, v: number, l: number): void {
    this.t[this.n] = t;
    this.v[this.n] = v;
    this.l[this.n++] = l;
  }
  done(anomalies: Window[]): GeneratedSeries {
    return {
      timestamps: this.t.slice(0, this.n),
      values: this.v.slice(0, this.n),
      labels: this.l.slice(0, this.n),
      anomalies: anomalies.map((w) => ({ kind: w.kind, start: w.start, end: w.end })),
    };
  }
}

function gauge(spec: ResolvedSpec, ctx: SeriesContext, k0: number, k1: number): GeneratedSeries {
  const step = ctx.stepMs;
  const ws = resolveAnomalies(spec, ctx, k0 * step, k1 * step);
  const out = new Columns(Math.max(0, k1 - k0));
  for (let k = k0; k < k1; k++) {
    const t = k * step;
    const s = valueAt(spec, ctx, k, t, ws);
    if (s.v !== undefined) out.push(t, s.v, s.inside);
  }
  return out.done(ws);
}

function counter(
  spec: ResolvedSpec,
  ctx: SeriesContext,
  k0: number,
  k1: number,
  carry: CounterCarry,
): GeneratedSeries {
  const step = ctx.stepMs;
  const R = spec.restartEveryMs;
  const originK = Math.ceil((Math.floor((k0 * step) / R) * R) / step);
  // resume from the carry only within the same restart period; otherwise sum from the restart
  const resume = carry.k >= originK && carry.k < k0;
  const kStart = resume ? carry.k + 1 : originK;
  let sum = resume ? carry.sum : 0;
  const ws = resolveAnomalies(spec, ctx, kStart * step, k1 * step);
  const out = new Columns(Math.max(0, k1 - k0));
  for (let k = kStart; k < k1; k++) {
    const t = k * step;
    if (Math.floor(t / R) !== Math.floor((t - step) / R)) sum = 0;
    for (const w of ws) if (w.kind === 'reset' && w.start === t) sum = 0;
    const s = valueAt(spec, ctx, k, t, ws);
    const rate = s.gap ? Math.max(0, cleanValue(spec, ctx, k, t)) : Math.max(0, s.v ?? 0);
    sum += (rate * step) / 1000;
    if (k >= k0 && !s.gap) out.push(t, sum, s.inside);
  }
  if (k1 > kStart) {
    carry.k = k1 - 1;
    carry.sum = sum;
  }
  return out.done(ws.filter((w) => w.end > k0 * step));
}

/** @internal Generates steps [k0, k1) of an already-resolved spec. */
export function generateSteps(
  spec: ResolvedSpec,
  ctx: SeriesContext,
  k0: number,
  k1: number,
  carry: CounterCarry = { k: Number.NEGATIVE_INFINITY, sum: 0 },
): GeneratedSeries {
  return spec.kind === 'counter' ? counter(spec, ctx, k0, k1, carry) : gauge(spec, ctx, k0, k1);
}

/** Validates a spec (throws `ERR_PLUGIN_OPTIONS` naming the field) and applies defaults. */
export function resolveSpec(spec: SeriesSpec): ResolvedSpec {
  return parseOptions(specSchema, spec, 'source-synthetic');
}

/**
 * Generates one series over [from, to): a pure function of (spec, range, seed, seriesIndex), so
 * generating [a, c) equals generating [a, b) and [b, c) and concatenating.
 * @example
 * const s = generateSeries({ base: 100, noise: 2, anomalies: [{ kind: 'spike', at: 0.5, magnitude: 30 }] },
 *   { from: 0, to: 3_600_000, stepMs: 10_000, seed: 1 });
 */
export function generateSeries(spec: SeriesSpec, options: GenerateOptions): GeneratedSeries {
  const resolved = resolveSpec(spec);
  const { from, to, stepMs } = options;
  if (!(stepMs > 0) || !Number.isFinite(from) || !Number.isFinite(to)) {
    throw new RangeError(`generateSeries: need finite from/to and stepMs > 0, got ${from}, ${to}, ${stepMs}`);
  }
  const ctx: SeriesContext = {
    seed: options.seed,
    seriesIndex: options.seriesIndex ?? 0,
    stepMs,
    span: options.span ?? { from, to },
  };
  return generateSteps(
    resolved,
    ctx,
    Math.ceil(from / stepMs),
    Math.max(Math.ceil(from / stepMs), Math.ceil(to / stepMs)),
  );
}
