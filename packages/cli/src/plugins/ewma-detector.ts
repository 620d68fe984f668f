import {
  clampScore,
  type Detector,
  defineDetector,
  type Finding,
  type MetricBatch,
  newFindingId,
  type StageContext,
} from '@argus/core';
import { z } from 'zod';

const schema = z
  .strictObject({
    name: z.string().default('ewma').describe('Plugin name, unique in the pipeline'),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.1)
      .describe('Weight of each new normal point in the running mean/variance'),
    threshold: z.number().positive().default(4).describe('|z| at which a point is reported'),
    warmupSamples: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Samples per series before it is judged (default 20)'),
    warmupPoints: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Deprecated: the old name of warmupSamples (still read, with a warning)'),
    minStdRatio: z
      .number()
      .nonnegative()
      .default(0.01)
      .describe(
        'Floor of the std-dev as a fraction of |mean|, so near-constant series do not report wiggles',
      ),
  })
  .refine((o) => o.warmupSamples === undefined || o.warmupPoints === undefined, {
    message: 'give warmupSamples only (warmupPoints is its deprecated old name)',
    path: ['warmupPoints'],
  });

/** Options of {@link ewmaDetector}. */
export interface EwmaDetectorOptions {
  /** @default 'ewma' */
  name?: string;
  /** Weight of each new normal point in the running mean and variance. @default 0.1 */
  alpha?: number;
  /** |z| at which a point is reported. @default 4 */
  threshold?: number;
  /** Samples per series before it is judged. @default 20 */
  warmupSamples?: number;
  /** @deprecated Use `warmupSamples` (the name the detectors of `@argus/detectors` use); still read, with a warning. */
  warmupPoints?: number;
  /** Floor of the std-dev as a fraction of |mean|. @default 0.01 */
  minStdRatio?: number;
}

// anomalous points still move the mean a little, so a lasting level shift is eventually learnt as normal
const ANOMALY_ALPHA_RATIO = 0.05;

class Baselines {
  mean: Float64Array = new Float64Array(64);
  variance: Float64Array = new Float64Array(64);
  count: Float64Array = new Float64Array(64);
  ensure(id: number): void {
    if (id < this.mean.length) return;
    const size = Math.max(id + 1, this.mean.length * 2);
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.mean = grow(this.mean);
    this.variance = grow(this.variance);
    this.count = grow(this.count);
  }
}

type Parsed = z.output<typeof schema>;

function finding(o: Parsed, b: MetricBatch, i: number, mean: number, std: number, z: number): Finding {
  const value = b.values[i]!;
  const band = o.threshold * std;
  return {
    id: newFindingId(),
    series: b.series[i]!,
    timestamp: b.timestamps[i]!,
    value,
    score: clampScore(1 - Math.exp(-Math.abs(z) / o.threshold)),
    kind: z > 0 ? 'spike' : 'dip',
    expected: { value: mean, lower: mean - band, upper: mean + band },
    detector: o.name,
    explanation: `${value.toPrecision(3)} is ${Math.abs(z).toFixed(1)}σ ${z > 0 ? 'above' : 'below'} its EWMA mean ${mean.toPrecision(3)}`,
  };
}

let warned = false;

// the old name keeps working for a minor release; Node prints the warning once per process
function warmupOf(o: Parsed): number {
  if (o.warmupPoints === undefined) return o.warmupSamples ?? 20;
  if (!warned) {
    warned = true;
    process.emitWarning('ewma: the option warmupPoints is deprecated; rename it to warmupSamples', {
      type: 'DeprecationWarning',
      code: 'ARGUS_EWMA_WARMUP_POINTS',
    });
  }
  return o.warmupPoints;
}

function create(o: Parsed) {
  const s = new Baselines();
  const warmupSamples = warmupOf(o);
  return {
    name: o.name,
    detect(b: MetricBatch): Finding[] {
      const out: Finding[] = [];
      for (let i = 0; i < b.length; i++) {
        const id = b.series[i]!;
        const x = b.values[i]!;
        if (!Number.isFinite(x) || b.stale?.[i] === 1) continue;
        s.ensure(id);
        const n = s.count[id]!;
        s.count[id] = n + 1;
        if (n === 0) {
          s.mean[id] = x;
          continue;
        }
        const mean = s.mean[id]!;
        const std = Math.max(Math.sqrt(s.variance[id]!), o.minStdRatio * Math.abs(mean), 1e-9);
        const z = (x - mean) / std;
        const anomalous = n >= warmupSamples && Math.abs(z) >= o.threshold;
        if (anomalous) out.push(finding(o, b, i, mean, std, z));
        const a = anomalous ? o.alpha * ANOMALY_ALPHA_RATIO : o.alpha;
        const d = x - mean;
        s.mean[id] = mean + a * d;
        // the variance learns from normal points only, so an incident does not widen its own band
        if (!anomalous) s.variance[id] = (1 - a) * (s.variance[id]! + a * d * d);
      }
      return out;
    },
    // baselines survive a restart (keyed by labels: series ids are per process), so a warm restart does not
    // start the warm-up again
    snapshot(ctx: StageContext): unknown {
      const series: Record<string, { labels: Record<string, string>; state: [number, number, number] }> = {};
      for (let id = 0; id < s.count.length; id++) {
        if (s.count[id] === 0) continue;
        series[ctx.series.fingerprint(id)] = {
          labels: ctx.series.labels(id),
          state: [s.mean[id]!, s.variance[id]!, s.count[id]!],
        };
      }
      return { version: 1, series };
    },
    restore(state: unknown, ctx: StageContext): void {
      const series = (
        state as { series?: Record<string, { labels: Record<string, string>; state: unknown }> }
      )?.series;
      if (typeof series !== 'object' || series === null)
        throw new TypeError(`${o.name}: snapshot has no series map`);
      for (const entry of Object.values(series)) {
        const [mean, variance, count] = entry.state as number[];
        if (![mean, variance, count].every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
        const id = ctx.series.intern(entry.labels);
        if (id < 0) continue;
        s.ensure(id);
        s.mean[id] = mean!;
        s.variance[id] = variance!;
        s.count[id] = count!;
      }
    },
  };
}

const factory = defineDetector({ name: 'ewma', options: schema, create });

/**
 * A streaming z-score detector: per series an exponentially weighted mean and variance (typed arrays
 * indexed by series id); a point `threshold` standard deviations away is reported as a spike or dip.
 * @example
 * ewmaDetector({ alpha: 0.1, threshold: 4 })
 */
export function ewmaDetector(options: EwmaDetectorOptions = {}): Detector {
  return factory(options);
}
