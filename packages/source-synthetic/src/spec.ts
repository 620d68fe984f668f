import { z } from 'zod';

/** Kinds of anomaly the generator can inject. */
export type AnomalyKind = 'spike' | 'dip' | 'levelShift' | 'drift' | 'flatline' | 'gap' | 'reset';

/** One anomaly placed by hand. */
export interface AnomalySpec {
  kind: AnomalyKind;
  /** Start: ms since epoch, or a fraction in [0, 1] of the reference span. Rounded up to the step grid. */
  at: number;
  /** How long it lasts. @default one step for spike/dip/reset, 30 steps otherwise */
  durationMs?: number;
  /** Size in the series' units (added, subtracted, or reached at the end of a drift). @default 6 × max(noise, 5 % of base) */
  magnitude?: number;
}

/** Anomalies drawn from the seed, at a mean rate. */
export interface RandomAnomalySpec {
  /** Mean number of anomalies per day. */
  ratePerDay: number;
  /** Kinds to draw from, uniformly. @default ['spike', 'dip', 'levelShift'] */
  kinds?: AnomalyKind[];
  /** Longest random anomaly (spike/dip/reset last one step). @default 1800000 */
  maxDurationMs?: number;
}

/** The shape of one synthetic series (everything but its labels). All fields are optional. */
export interface SeriesSpec {
  /** Mean level (for counters: the mean rate per second). @default 0 */
  base?: number;
  /** Linear change per hour, counted from `originMs`. @default 0 */
  trendPerHour?: number;
  /** Where the trend term is zero, ms since epoch. @default 0 */
  originMs?: number;
  /** Amplitude of the daily sinusoid, peaking at `peakHourUtc`. @default 0 */
  daily?: number;
  /** Hour of day (UTC) of the daily peak. @default 14 */
  peakHourUtc?: number;
  /** Amplitude of the weekly sinusoid. @default 0 */
  weekly?: number;
  /** Standard deviation of the Gaussian noise. @default 0 */
  noise?: number;
  /** `gauge`: the value itself; `counter`: a running total of a non-negative per-second rate. @default 'gauge' */
  kind?: 'gauge' | 'counter';
  /** Counters start from 0 at each multiple of this (a process restart). @default 86400000 */
  restartEveryMs?: number;
  /** Anomalies placed by hand. @default [] */
  anomalies?: AnomalySpec[];
  /** Anomalies drawn from the seed. */
  randomAnomalies?: RandomAnomalySpec;
}

/** A {@link SeriesSpec} with every default applied. */
export interface ResolvedSpec {
  base: number;
  trendPerHour: number;
  originMs: number;
  daily: number;
  peakHourUtc: number;
  weekly: number;
  noise: number;
  kind: 'gauge' | 'counter';
  restartEveryMs: number;
  anomalies: AnomalySpec[];
  randomAnomalies?: Required<RandomAnomalySpec> | undefined;
}

const kindSchema = z.enum(['spike', 'dip', 'levelShift', 'drift', 'flatline', 'gap', 'reset']);

const anomalySchema = z.strictObject({
  kind: kindSchema.describe(
    'What happens: spike, dip, levelShift, drift, flatline, gap (missing samples), reset',
  ),
  at: z
    .number()
    .nonnegative()
    .describe('Start, ms since epoch, or a fraction in [0, 1] of the reference span'),
  durationMs: z
    .number()
    .positive()
    .optional()
    .describe('Length in ms; default one step (spike/dip/reset) or 30'),
  magnitude: z.number().optional().describe('Size in the series units; default 6 × max(noise, 5 % of base)'),
});

const randomSchema = z.strictObject({
  ratePerDay: z.number().positive().describe('Mean anomalies per day'),
  kinds: z.array(kindSchema).min(1).default(['spike', 'dip', 'levelShift']).describe('Kinds drawn uniformly'),
  maxDurationMs: z.number().positive().default(1_800_000).describe('Longest random anomaly, ms'),
});

const specShape = {
  base: z.number().default(0).describe('Mean level (counters: mean rate per second)'),
  trendPerHour: z.number().default(0).describe('Linear change per hour from originMs'),
  originMs: z.number().default(0).describe('Time where the trend term is zero, ms since epoch'),
  daily: z.number().default(0).describe('Amplitude of the daily sinusoid'),
  peakHourUtc: z.number().min(0).max(24).default(14).describe('Hour of day (UTC) of the daily peak'),
  weekly: z.number().default(0).describe('Amplitude of the weekly sinusoid'),
  noise: z.number().nonnegative().default(0).describe('Standard deviation of Gaussian noise'),
  kind: z.enum(['gauge', 'counter']).default('gauge').describe('gauge, or counter (running total of a rate)'),
  restartEveryMs: z
    .number()
    .positive()
    .default(86_400_000)
    .describe('Counters restart from 0 at multiples of this'),
  anomalies: z.array(anomalySchema).default([]).describe('Anomalies placed by hand'),
  randomAnomalies: randomSchema.optional().describe('Anomalies drawn from the seed at a mean rate'),
};

/** Validates a series spec and applies defaults (not strict: `generateSeries` also takes a series with its labels). */
export const specSchema: z.ZodType<ResolvedSpec, SeriesSpec> = z.object(specShape);

/** A series of the synthetic source: its labels plus its shape. */
export interface SyntheticSeries extends SeriesSpec {
  /** The series' labels, e.g. `{ __name__: 'queue_depth', service: 'checkout' }`. */
  labels: Record<string, string>;
}

/** Validates a source series entry (labels + spec). */
export const seriesSchema: z.ZodType<ResolvedSpec & { labels: Record<string, string> }, SyntheticSeries> =
  z.strictObject({
    labels: z.record(z.string(), z.string()).describe('Labels of the series, interned once at start'),
    ...specShape,
  });
