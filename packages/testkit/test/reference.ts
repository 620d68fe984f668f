// Small core-compatible plugins written the way the guide says, used to run the contract suites.
import {
  type Alert,
  type Alerter,
  clampScore,
  type Detector,
  defineAlerter,
  defineDetector,
  defineProcessor,
  defineSource,
  type Finding,
  fingerprint,
  MetricBatchBuilder,
  metricBatch,
  newFindingId,
  type Processor,
  type Source,
} from '@argus/core';
import { z } from 'zod';

interface Stat {
  mean: number;
  variance: number;
  n: number;
}

const ewmaSchema = z.object({
  name: z.string().default('ewma').describe('Plugin name'),
  alpha: z.number().gt(0).lte(1).default(0.3).describe('Smoothing factor in (0,1]'),
  threshold: z.number().positive().default(4).describe('Deviations from the mean that count as anomalous'),
  warmup: z.number().int().nonnegative().default(5).describe('Samples per series before scoring starts'),
  keyBy: z.enum(['fingerprint', 'id']).default('fingerprint').describe('State key (id is the bug to catch)'),
  scoreScale: z.number().positive().default(1).describe('Multiplies scores (>1 is the bug to catch)'),
});

/** An EWMA z-score detector; `keyBy: 'id'` and `scoreScale > 1` exist only to prove the suites catch them. */
const ewmaDef = defineDetector({
  name: 'ewma',
  options: ewmaSchema,
  create(o) {
    const stats = new Map<string, Stat>();
    return {
      name: o.name,
      detect(b, ctx) {
        const out: Finding[] = [];
        for (let i = 0; i < b.length; i++) {
          const v = b.values[i]!;
          if (!Number.isFinite(v)) continue;
          const key = o.keyBy === 'id' ? String(b.series[i]) : ctx.series.fingerprint(b.series[i]!);
          const s = stats.get(key) ?? { mean: v, variance: 0, n: 0 };
          const sd = Math.sqrt(s.variance);
          const z = Math.abs(v - s.mean) / Math.max(sd, 1e-9);
          if (s.n >= o.warmup && z > o.threshold) {
            out.push({
              id: newFindingId(),
              series: b.series[i]!,
              timestamp: b.timestamps[i]!,
              value: v,
              score: o.scoreScale * clampScore(1 - o.threshold / z),
              kind: v > s.mean ? 'spike' : 'dip',
              expected: { value: s.mean, lower: s.mean - o.threshold * sd, upper: s.mean + o.threshold * sd },
              detector: o.name,
              explanation: `${v} is ${z.toFixed(1)} deviations from the EWMA ${s.mean.toFixed(2)}`,
            });
          }
          const d = v - s.mean;
          s.mean += o.alpha * d;
          s.variance = (1 - o.alpha) * (s.variance + o.alpha * d * d);
          s.n++;
          stats.set(key, s);
        }
        return out;
      },
      snapshot: () => Object.fromEntries(stats),
      restore(state) {
        stats.clear();
        for (const [k, v] of Object.entries(state as Record<string, Stat>)) stats.set(k, v);
      },
    };
  },
});

/** Multiplies every value; `inPlace` is the mutation bug to catch. */
const scaleSchema = z.object({
  factor: z.number().describe('Multiplier applied to every value'),
  inPlace: z.boolean().default(false).describe('Mutate the input (a bug)'),
});

const scaleDef = defineProcessor({
  name: 'scale',
  options: scaleSchema,
  create: (o) => ({
    process(b) {
      if (o.inPlace) {
        for (let i = 0; i < b.length; i++) b.values[i] = b.values[i]! * o.factor;
        return b;
      }
      return metricBatch(
        b.series,
        b.timestamps,
        b.values.map((v) => v * o.factor),
        b.stale,
      );
    },
  }),
});

/** Fires per series while a value is above `above`, resolves when it drops back. */
const thresholdSchema = z.object({
  above: z.number().describe('Fire while a value is above this'),
  badFingerprint: z.boolean().default(false).describe('Emit a wrong fingerprint (a bug)'),
});

const thresholdDef = defineAlerter({
  name: 'threshold',
  options: thresholdSchema,
  create(o) {
    const firing = new Map<string, number>();
    return {
      evaluate(input, ctx) {
        const out: Alert[] = [];
        const m = input.metrics;
        for (let i = 0; m && i < m.length; i++) {
          const labels = { ...ctx.series.labels(m.series[i]!), alertname: 'TestkitHigh' };
          const fp = fingerprint(labels);
          const since = firing.get(fp);
          const base = {
            labels,
            annotations: { summary: 'value high' },
            origin: 'threshold',
            value: m.values[i]!,
          };
          const fpOut = o.badFingerprint ? 'bad' : fp;
          if (m.values[i]! > o.above && since === undefined) {
            firing.set(fp, m.timestamps[i]!);
            out.push({ ...base, state: 'firing', startsAt: m.timestamps[i]!, fingerprint: fpOut });
          } else if (m.values[i]! <= o.above && since !== undefined) {
            firing.delete(fp);
            out.push({
              ...base,
              state: 'resolved',
              startsAt: since,
              endsAt: m.timestamps[i]!,
              fingerprint: fpOut,
            });
          }
        }
        return out;
      },
      snapshot: () => Object.fromEntries(firing),
      restore(state) {
        for (const [k, v] of Object.entries(state as Record<string, number>)) firing.set(k, v);
      },
    };
  },
});

/** A pull source returning `count` samples of one gauge per poll. */
const gaugeSchema = z.object({ count: z.number().int().positive().default(3).describe('Samples per poll') });

const gaugeDef = defineSource({
  name: 'gauge',
  options: gaugeSchema,
  create: (o) => ({
    poll(ctx) {
      const b = new MetricBatchBuilder(o.count);
      for (let i = 0; i < o.count; i++)
        b.pushLabels(ctx.series, { __name__: 'gauge', n: String(i) }, ctx.clock.now(), i);
      return b.build();
    },
  }),
});

/** Options of the reference plugins (loose on purpose: bad values must reach the schema). */
export type Loose = Record<string, unknown>;

export function ewmaDetector(o: Loose = {}): Detector {
  return ewmaDef(o as Parameters<typeof ewmaDef>[0]);
}

export function scaleProcessor(o: Loose): Processor {
  return scaleDef(o as Parameters<typeof scaleDef>[0]);
}

export function thresholdAlerter(o: Loose): Alerter {
  return thresholdDef(o as Parameters<typeof thresholdDef>[0]);
}

export function gaugeSource(o: Loose = {}): Source {
  return gaugeDef(o as Parameters<typeof gaugeDef>[0]);
}
