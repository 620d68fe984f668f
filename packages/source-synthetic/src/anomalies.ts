import { STREAM, uniform } from './random.js';
import type { AnomalyKind, AnomalySpec, ResolvedSpec } from './spec.js';

/** A ground-truth window: samples with `start <= t < end` are inside the anomaly. */
export interface GroundTruthAnomaly {
  readonly kind: AnomalyKind;
  /** First affected sample time, ms since epoch (on the step grid). */
  readonly start: number;
  /** End, exclusive. */
  readonly end: number;
}

/** A window with what the generator needs to apply it. */
export interface Window extends GroundTruthAnomaly {
  readonly magnitude: number;
}

/** Everything that decides the random draws of one series. */
export interface SeriesContext {
  seed: number;
  seriesIndex: number;
  stepMs: number;
  /** Reference span for fractional `at`. */
  span: { from: number; to: number };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const SHORT: ReadonlySet<AnomalyKind> = new Set(['spike', 'dip', 'reset']);

/** The magnitude used when none is given: well outside the noise. */
export function defaultMagnitude(spec: ResolvedSpec): number {
  const scale = Math.max(spec.noise, 0.05 * Math.abs(spec.base));
  return scale > 0 ? 6 * scale : 1;
}

function window(
  kind: AnomalyKind,
  at: number,
  durationMs: number,
  magnitude: number,
  stepMs: number,
): Window {
  const start = Math.ceil(at / stepMs) * stepMs;
  const steps = Math.max(1, Math.ceil(durationMs / stepMs));
  return { kind, start, end: start + steps * stepMs, magnitude };
}

function explicit(a: AnomalySpec, spec: ResolvedSpec, ctx: SeriesContext): Window {
  const at = a.at <= 1 ? ctx.span.from + a.at * (ctx.span.to - ctx.span.from) : a.at;
  const durationMs = a.durationMs ?? (SHORT.has(a.kind) ? ctx.stepMs : 30 * ctx.stepMs);
  return window(a.kind, at, durationMs, a.magnitude ?? defaultMagnitude(spec), ctx.stepMs);
}

/** Slot length for random injection: short enough that at most one anomaly per slot keeps the mean rate. */
function slotMs(ratePerDay: number): number {
  return Math.min(HOUR, Math.floor(DAY / Math.ceil(ratePerDay * 2)));
}

function randomIn(slot: number, spec: ResolvedSpec, ctx: SeriesContext): Window | undefined {
  const r = spec.randomAnomalies!;
  const len = slotMs(r.ratePerDay);
  const p = (r.ratePerDay * len) / DAY;
  const draw = (stream: number): number => uniform(ctx.seed, ctx.seriesIndex, slot, stream);
  if (draw(STREAM.anomalyHit) >= p) return undefined;
  const kind = r.kinds[Math.floor(draw(STREAM.anomalyKind) * r.kinds.length)]!;
  const longest = Math.max(ctx.stepMs, Math.min(r.maxDurationMs, len));
  const durationMs = SHORT.has(kind)
    ? ctx.stepMs
    : Math.min(longest, ctx.stepMs * (5 + Math.floor(draw(STREAM.anomalyDuration) * 26)));
  const magnitude = defaultMagnitude(spec) * (0.7 + 0.6 * draw(STREAM.anomalyMagnitude));
  return window(kind, slot * len + draw(STREAM.anomalyAt) * len, durationMs, magnitude, ctx.stepMs);
}

/** Every anomaly of a series overlapping [from, to), sorted by start. A pure function of its inputs. */
export function resolveAnomalies(spec: ResolvedSpec, ctx: SeriesContext, from: number, to: number): Window[] {
  const out: Window[] = [];
  for (const a of spec.anomalies) {
    const w = explicit(a, spec, ctx);
    if (w.end > from && w.start < to) out.push(w);
  }
  if (spec.randomAnomalies) {
    const len = slotMs(spec.randomAnomalies.ratePerDay);
    // a window never outlasts its slot, so two slots of look-back find every overlapping one
    for (let s = Math.floor(from / len) - 2; s * len < to; s++) {
      const w = randomIn(s, spec, ctx);
      if (w && w.end > from && w.start < to) out.push(w);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
