import {
  defineSource,
  type MetricBatch,
  MetricBatchBuilder,
  type PluginContext,
  type SeriesRegistry,
  type Source,
  sliceBatch,
  type TimeRange,
} from '@argus/core';
import { z } from 'zod';
import type { GroundTruthAnomaly, SeriesContext } from './anomalies.js';
import { resolveAnomalies } from './anomalies.js';
import { type CounterCarry, type GeneratedSeries, generateSteps } from './generate.js';
import { type ResolvedSpec, type SyntheticSeries, seriesSchema } from './spec.js';

/** Options of {@link syntheticSource}. */
export interface SyntheticSourceOptions {
  /** Plugin name, unique in the pipeline. @default 'synthetic' */
  name?: string;
  /** The series to generate, each with its labels. */
  series: SyntheticSeries[];
  /** Distance between samples. @default 1000 */
  stepMs?: number;
  /** Seed of every random draw. @default 1 */
  seed?: number;
  /** History the first live poll emits; 0 emits only the latest point. @default 0 */
  backfillMs?: number;
  /** Longest catch-up after a pause (e.g. a sleeping laptop); older steps are skipped. @default 3600000 */
  maxCatchUpMs?: number;
  /** Most samples per emitted batch. @default 10000 */
  maxBatchSamples?: number;
  /** Span that fractional anomaly `at` values refer to; required when any `at` is in [0, 1]. */
  span?: { from: number; to: number };
}

/** Ground truth of one series over a range. */
export interface SeriesGroundTruth {
  readonly labels: Readonly<Record<string, string>>;
  readonly anomalies: GroundTruthAnomaly[];
}

/** The synthetic source: a {@link Source} that can also report where it injected anomalies. */
export interface SyntheticSource extends Source {
  /** Every injected anomaly overlapping [from, to), per series (for scoring detectors). */
  groundTruth(range: { from: number; to: number }): SeriesGroundTruth[];
}

const positiveInt = z.number().int().positive();
const optionsSchema = z
  .strictObject({
    name: z.string().default('synthetic').describe('Plugin name, unique in the pipeline'),
    series: z.array(seriesSchema).min(1).describe('Series to generate: labels plus shape'),
    stepMs: positiveInt.default(1000).describe('Distance between samples, ms'),
    seed: z.number().int().default(1).describe('Seed of every random draw'),
    backfillMs: z.number().int().nonnegative().default(0).describe('History the first live poll emits, ms'),
    maxCatchUpMs: positiveInt.default(3_600_000).describe('Longest catch-up after a pause, ms'),
    maxBatchSamples: positiveInt.default(10_000).describe('Most samples per emitted batch'),
    span: z
      .strictObject({ from: z.number(), to: z.number() })
      .optional()
      .describe('Span that fractional anomaly `at` values refer to'),
  })
  .superRefine((o, ctx) => {
    if (o.span) return;
    for (const [i, s] of o.series.entries()) {
      for (const [j, a] of s.anomalies.entries()) {
        if (a.at > 1) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['series', i, 'anomalies', j, 'at'],
          message: 'a fractional `at` (0..1) needs the `span` option; or give ms since epoch',
        });
      }
    }
  });

type Parsed = z.output<typeof optionsSchema>;

interface State {
  readonly o: Parsed;
  readonly specs: ResolvedSpec[];
  readonly ctxs: SeriesContext[];
  ids: Int32Array;
  registry: SeriesRegistry | undefined;
}

function seriesIds(st: State, registry: SeriesRegistry): Int32Array {
  if (st.registry !== registry) {
    st.ids = Int32Array.from(st.o.series, (s) => registry.intern(s.labels));
    st.registry = registry;
  }
  return st.ids;
}

/** Merges per-series columns into time order (series order within a step). */
function merge(parts: GeneratedSeries[], ids: Int32Array, k0: number, k1: number, step: number): MetricBatch {
  const b = new MetricBatchBuilder(parts.reduce((n, p) => n + p.timestamps.length, 0));
  const cursor = new Int32Array(parts.length);
  for (let k = k0; k < k1; k++) {
    const t = k * step;
    for (let s = 0; s < parts.length; s++) {
      const p = parts[s]!;
      const c = cursor[s]!;
      if (c < p.timestamps.length && p.timestamps[c] === t) {
        b.push(ids[s]!, t, p.values[c]!);
        cursor[s] = c + 1;
      }
    }
  }
  return b.build();
}

/** Batches for steps [k0, k1), each at most `maxBatchSamples` long, in time order. */
function* batches(st: State, ids: Int32Array, carries: CounterCarry[], k0: number, k1: number) {
  const { stepMs, maxBatchSamples } = st.o;
  const per = Math.max(1, Math.floor(maxBatchSamples / st.specs.length));
  for (let a = k0; a < k1; a += per) {
    const b = Math.min(k1, a + per);
    const parts = st.specs.map((spec, i) => generateSteps(spec, st.ctxs[i]!, a, b, carries[i]));
    const batch = merge(parts, ids, a, b, stepMs);
    for (let i = 0; i < batch.length; i += maxBatchSamples) {
      yield i === 0 && batch.length <= maxBatchSamples
        ? batch
        : sliceBatch(batch, i, Math.min(batch.length, i + maxBatchSamples));
    }
  }
}

const freshCarries = (n: number): CounterCarry[] =>
  Array.from({ length: n }, () => ({ k: Number.NEGATIVE_INFINITY, sum: 0 }));

function createBody(o: Parsed) {
  const st: State = {
    o,
    specs: o.series.map(({ labels: _labels, ...spec }) => spec),
    ctxs: o.series.map((_, i) => ({
      seed: o.seed,
      seriesIndex: i,
      stepMs: o.stepMs,
      span: o.span ?? { from: 0, to: 0 },
    })),
    ids: new Int32Array(0),
    registry: undefined,
  };
  const live = freshCarries(o.series.length);
  const history = freshCarries(o.series.length);
  let lastK: number | undefined;
  return {
    name: o.name,
    defaultIntervalMs: o.stepMs,
    start(ctx: PluginContext): void {
      seriesIds(st, ctx.series);
    },
    poll(ctx: PluginContext): MetricBatch[] | undefined {
      const kNow = Math.floor(ctx.clock.now() / o.stepMs);
      let k0 = lastK === undefined ? kNow - Math.floor(o.backfillMs / o.stepMs) : lastK + 1;
      k0 = Math.max(k0, kNow - Math.floor(o.maxCatchUpMs / o.stepMs));
      if (k0 > kNow) return undefined;
      lastK = kNow;
      return [...batches(st, seriesIds(st, ctx.series), live, k0, kNow + 1)];
    },
    async *readRange(range: TimeRange, ctx: PluginContext): AsyncIterable<MetricBatch> {
      const k0 = Math.ceil(range.from / o.stepMs);
      const k1 = Math.max(k0, Math.ceil(range.to / o.stepMs));
      yield* batches(st, seriesIds(st, ctx.series), history, k0, k1);
    },
    groundTruth(range: { from: number; to: number }): SeriesGroundTruth[] {
      return st.specs.map((spec, i) => ({
        labels: o.series[i]!.labels,
        anomalies: resolveAnomalies(spec, st.ctxs[i]!, range.from, range.to).map((w) => ({
          kind: w.kind,
          start: w.start,
          end: w.end,
        })),
      }));
    },
  };
}

const factory = defineSource({ name: 'synthetic', options: optionsSchema, create: createBody });

/**
 * A source of seeded synthetic series with trend, seasonality, noise and labelled anomalies. Live (`poll`)
 * it emits every step up to now; in batch mode (`readRange`) it replays any range identically.
 * @example
 * const src = syntheticSource({ stepMs: 1000, seed: 7, series: [
 *   { labels: { __name__: 'queue_depth', service: 'checkout' }, base: 20, noise: 2,
 *     anomalies: [{ kind: 'levelShift', at: Date.now() + 10_000, durationMs: 15_000, magnitude: 40 }] },
 * ] });
 */
export function syntheticSource(options: SyntheticSourceOptions): SyntheticSource {
  return factory(options) as SyntheticSource;
}

/** The schema of {@link syntheticSource}'s options (for docs and config validation). */
export const syntheticSourceSchema: z.ZodType<unknown, SyntheticSourceOptions> = optionsSchema;

/** Ground truth for the given source options over a range, without building a source. */
export function syntheticGroundTruth(
  options: SyntheticSourceOptions,
  range: { from: number; to: number },
): SeriesGroundTruth[] {
  return syntheticSource(options).groundTruth(range);
}
