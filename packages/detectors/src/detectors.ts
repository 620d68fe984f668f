import { type Detector, defineDetector, type Factory } from '@argus/core';
import { z } from 'zod';
import type { Model } from './model.js';
import { type ArModelOptions, arModel } from './models/ar.js';
import { type CusumModelOptions, cusumModel } from './models/cusum.js';
import { type EwmaModelOptions, ewmaModel } from './models/ewma.js';
import { type FlatlineModelOptions, flatlineModel } from './models/flatline.js';
import { type MadModelOptions, madModel } from './models/mad.js';
import { type OnlineSeasonalModelOptions, onlineSeasonalModel } from './models/online-seasonal.js';
import { MAX_SLOTS, type SeasonalModelOptions, seasonalModel } from './models/seasonal.js';
import { type TrendModelOptions, trendModel } from './models/trend.js';
import { modelDetector } from './plugin.js';

/** Options every detector takes besides its model's. */
export interface ReportOptions {
  /** Report a finding when the score reaches this (0..1). */
  readonly minScore: number;
}

/** A detector's options schema: parsed model options plus {@link ReportOptions}; every field optional on input. */
export type Schema<O> = z.ZodType<
  O & ReportOptions,
  { -readonly [K in keyof (O & ReportOptions)]?: (O & ReportOptions)[K] | undefined }
>;

const reportAt = (d: number) =>
  z.number().min(0).max(1).default(d).describe('Report a finding when the score reaches this (0..1)');
const minScore = reportAt(0.8);
const warmupSamples = z
  .number()
  .int()
  .min(1)
  .default(150)
  .describe('Samples per series learned before scoring');
const zHalf = z.number().positive().default(4).describe('Surprise, in standard deviations, that scores 0.5');
const bandSigma = z
  .number()
  .positive()
  .default(3)
  .describe('Half-width of the expected band, in standard deviations');
const alpha = (d: number, what: string) =>
  z.number().gt(0).lt(1).default(d).describe(`Weight of each new sample in ${what} (0..1)`);
const clipSigma = z
  .number()
  .positive()
  .default(3)
  .describe('Residuals are clipped to this many standard deviations before updating');
/** The warm-up, surprise scale, band and report threshold shared by the score-from-residual detectors. */
const scored = { warmupSamples, zHalf, bandSigma, minScore };

/** A detector factory that scores with `model(options)` and reports from `options.minScore`. */
function modelFactory<O>(
  name: string,
  options: Schema<O>,
  model: (o: O & ReportOptions) => Model,
): Factory<Schema<O>, Detector> {
  return defineDetector({ name, options, create: (o) => modelDetector(name, model(o), o.minScore) });
}

/** Options schema of {@link robustZDetector}. */
export const robustZOptions: Schema<EwmaModelOptions> = z.strictObject({
  alpha: alpha(0.01, 'the moving mean and variance'),
  clipSigma,
  ...scored,
});

/** Robust z-score over an EWMA/EWMV baseline: spikes and dips. */
export const robustZDetector: Factory<Schema<EwmaModelOptions>, Detector> = modelFactory(
  'robust-z',
  robustZOptions,
  ewmaModel,
);

/** Options schema of {@link arDetector}. */
export const arOptions: Schema<ArModelOptions> = z.strictObject({
  order: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(4)
    .describe('Past values the next one is predicted from (AR order)'),
  forgetting: z
    .number()
    .gt(0.9)
    .max(1)
    .default(0.999)
    .describe('Least-squares forgetting factor: a sample k steps old weighs forgetting^k'),
  alpha: alpha(0.01, 'the mean and variance that normalise the series'),
  residualAlpha: alpha(0.01, 'the prediction-residual variance'),
  clipSigma,
  ...scored,
});

/** One-step-ahead prediction from the last few values (online AR by recursive least squares): breaks in the dynamics. */
export const arDetector: Factory<Schema<ArModelOptions>, Detector> = modelFactory('ar', arOptions, arModel);

/** Options schema of {@link madDetector}. */
export const madOptions: Schema<MadModelOptions> = z.strictObject({
  windowSamples: z.number().int().min(5).max(4096).default(64).describe('Samples in the sliding window'),
  warmupSamples: z
    .number()
    .int()
    .min(3)
    .default(30)
    .describe('Samples per series before scoring (≤ windowSamples useful)'),
  zHalf,
  bandSigma,
  minScore,
});

/** Median/MAD over a sliding window: spikes and dips, robust to outliers in the window. */
export const madDetector: Factory<Schema<MadModelOptions>, Detector> = modelFactory(
  'mad',
  madOptions,
  madModel,
);

/** Options schema of {@link seasonalDetector}. */
export const seasonalOptions: Schema<SeasonalModelOptions> = z
  .strictObject({
    periodMs: z
      .union([z.literal('auto'), z.number().int().positive()])
      .default('auto')
      .describe("Season length in ms, or 'auto' (none, a day or a week, chosen after warm-up)"),
    slotMs: z
      .number()
      .int()
      .positive()
      .default(3_600_000)
      .describe('Profile resolution in ms (periodMs / slotMs ≤ 168)'),
    levelAlpha: alpha(0.003, 'the level'),
    seasonAlpha: alpha(0.05, "its time slot's seasonal offset"),
    minExplained: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe("'auto': share of variance a season must explain to be used"),
    ...scored,
  })
  .refine((o) => o.periodMs === 'auto' || o.periodMs / o.slotMs <= MAX_SLOTS, {
    message: `periodMs / slotMs must be ≤ ${MAX_SLOTS}; raise slotMs`,
    path: ['slotMs'],
  });

/** Seasonal baseline (additive Holt-Winters over a coarse time-slot profile): deviations from the usual shape. */
export const seasonalDetector: Factory<Schema<SeasonalModelOptions>, Detector> = modelFactory(
  'seasonal',
  seasonalOptions,
  seasonalModel,
);

/** Options schema of {@link onlineSeasonalDetector}. */
export const onlineSeasonalOptions: Schema<OnlineSeasonalModelOptions> = z.strictObject({
  levelAlpha: alpha(0.003, 'the level'),
  seasonAlpha: alpha(0.05, "its hour's daily and weekly offsets"),
  varianceAlpha: alpha(0.003, "each candidate season's residual variance"),
  minExplained: z
    .number()
    .min(0)
    .max(1)
    .default(0.6)
    .describe('Share of the level-only residual variance a season must remove to be used'),
  periodsBeforeUse: z
    .number()
    .positive()
    .default(2)
    .describe('Periods a series must span before that season can be used (2: two days, two weeks)'),
  clipSigma,
  surpriseScale: z
    .number()
    .positive()
    .default(1)
    .describe('Multiplies the surprise (a combination weight inside an ensemble)'),
  ...scored,
});

/** Like {@link seasonalDetector}, but chooses none/daily/weekly online, once the series has spanned two periods. */
export const onlineSeasonalDetector: Factory<Schema<OnlineSeasonalModelOptions>, Detector> = modelFactory(
  'online-seasonal',
  onlineSeasonalOptions,
  onlineSeasonalModel,
);

/** Options schema of {@link changePointDetector}. */
export const changePointOptions: Schema<CusumModelOptions> = z.strictObject({
  alpha: alpha(0.003, 'the reference level'),
  driftSigma: z.number().min(0).default(0.5).describe('CUSUM allowance k, in standard deviations per sample'),
  thresholdSigma: z
    .number()
    .positive()
    .default(8)
    .describe('CUSUM decision interval h, in standard deviations (scores 0.5)'),
  warmupSamples,
  minScore: reportAt(0.5),
});

/** Two-sided CUSUM: persistent level shifts. */
export const changePointDetector: Factory<Schema<CusumModelOptions>, Detector> = modelFactory(
  'change-point',
  changePointOptions,
  cusumModel,
);

/** Options schema of {@link flatlineDetector}. */
export const flatlineOptions: Schema<FlatlineModelOptions> = z.strictObject({
  relTolerance: z
    .number()
    .min(0)
    .default(0)
    .describe('Values within this share of each other count as equal (0: exact)'),
  minRunSamples: z.number().int().min(2).default(10).describe('Shortest run of equal values that may score'),
  runFactor: z
    .number()
    .min(1)
    .default(1.5)
    .describe('A run scores when this many times longer than the longest run seen in warm-up'),
  gapFactor: z
    .number()
    .gt(1)
    .default(5)
    .describe('A gap scores when this many times the usual sampling interval'),
  warmupSamples,
  minScore,
});

/** Stuck values and missing data (gaps). */
export const flatlineDetector: Factory<Schema<FlatlineModelOptions>, Detector> = modelFactory(
  'flatline',
  flatlineOptions,
  flatlineModel,
);

/** Options schema of {@link trendDetector}. */
export const trendOptions: Schema<TrendModelOptions> = z
  .strictObject({
    windowSamples: z
      .number()
      .int()
      .min(4)
      .max(256)
      .default(32)
      .describe('Samples the robust slope (median of half-window slopes) is fitted over'),
    refitSamples: z.number().int().min(1).default(8).describe('Refit the slope every this many samples'),
    horizonMs: z
      .number()
      .int()
      .positive()
      .default(3_600_000)
      .describe('Forecast horizon in ms (the H of "will cross X within H")'),
    crossAbove: z
      .number()
      .optional()
      .describe('Alert when the forecast band will be above this value within horizonMs'),
    crossBelow: z
      .number()
      .optional()
      .describe('Alert when the forecast band will be below this value within horizonMs'),
    zHalf,
    bandSigma,
    minScore,
  })
  .refine((o) => o.crossAbove === undefined || o.crossBelow === undefined || o.crossBelow < o.crossAbove, {
    message: 'crossBelow must be less than crossAbove',
    path: ['crossBelow'],
  });

/** Robust trend (median of half-window slopes, a Theil–Sen variant) with a forecast band and "will cross X within H" alerts. */
export const trendDetector: Factory<Schema<TrendModelOptions>, Detector> = modelFactory(
  'trend',
  trendOptions,
  trendModel,
);
