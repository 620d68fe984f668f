import { type Detector, defineDetector, type Factory } from '@argus/core';
import { z } from 'zod';
import {
  arOptions,
  changePointOptions,
  flatlineOptions,
  madOptions,
  onlineSeasonalOptions,
  robustZOptions,
  type Schema,
  seasonalOptions,
  trendOptions,
} from './detectors.js';
import type { Model } from './model.js';
import { arModel } from './models/ar.js';
import { cusumModel } from './models/cusum.js';
import { type EnsembleMember, type EnsembleModelOptions, ensembleModel } from './models/ensemble.js';
import { ewmaModel } from './models/ewma.js';
import { flatlineModel } from './models/flatline.js';
import { madModel } from './models/mad.js';
import { onlineSeasonalModel } from './models/online-seasonal.js';
import { seasonalModel } from './models/seasonal.js';
import { trendModel } from './models/trend.js';
import { modelDetector } from './plugin.js';

/** Names of the models an ensemble can combine. */
export type MemberName =
  | 'robustZ'
  | 'mad'
  | 'seasonal'
  | 'onlineSeasonal'
  | 'changePoint'
  | 'flatline'
  | 'trend'
  | 'ar';

/** Parsed options of the ensemble's own model. */
export interface EnsembleOptions extends Omit<EnsembleModelOptions, 'members' | 'memberWarmupSamples'> {
  /** Which models to combine. */
  readonly members: readonly MemberName[];
  /** Per-member option overrides (each member's own defaults otherwise). */
  readonly memberOptions: Readonly<Partial<Record<MemberName, Record<string, unknown>>>>;
  readonly calibrationSamples: number;
}

const MEMBER_NAMES = [
  'robustZ',
  'mad',
  'seasonal',
  'onlineSeasonal',
  'changePoint',
  'flatline',
  'trend',
  'ar',
] as const satisfies readonly MemberName[];
/** Every model an ensemble can combine, in the order the docs list them. */
export const ENSEMBLE_MEMBERS: readonly MemberName[] = MEMBER_NAMES;

/** Member defaults tuned on the even-numbered NAB files (see docs/detectors.md); user overrides win. */
const TUNED: Readonly<Partial<Record<MemberName, Record<string, unknown>>>> = {
  robustZ: { alpha: 0.001 },
  seasonal: { minExplained: 0.6 },
  onlineSeasonal: { surpriseScale: 0.95 },
  changePoint: { alpha: 0.003 },
  ar: { order: 2 },
};

const share = (d: number, what: string) => z.number().min(0).max(1).default(d).describe(what);
/** A score in 0..1 that is off (`null`) unless set. */
const optionalShare = (what: string) => z.number().min(0).max(1).nullable().default(null).describe(what);

/** Options schema of {@link ensembleDetector}. Defaults chosen on the even-numbered NAB files (docs/detectors.md). */
export const ensembleOptions: Schema<EnsembleOptions> = z.strictObject({
  members: z
    .array(z.enum(MEMBER_NAMES))
    .min(1)
    .default(['robustZ', 'onlineSeasonal'])
    .describe('Models to combine'),
  memberOptions: z
    .partialRecord(z.enum(MEMBER_NAMES), z.record(z.string(), z.unknown()))
    .default({})
    .describe(
      "Option overrides per member, e.g. { seasonal: { periodMs: 86400000 } }; warmupSamples defaults to the ensemble's",
    ),
  warmupSamples: z
    .number()
    .int()
    .min(1)
    .default(120)
    .describe("Samples per series the members learn before scoring (each member's warmupSamples)"),
  calibrationSamples: z
    .number()
    .int()
    .min(0)
    .default(20)
    .describe("Further samples the ensemble only learns the members' usual scores from before it scores"),
  zHalf: z
    .number()
    .positive()
    .default(4)
    .describe("Surprise (standard deviations) at which a member's raw score is 0.5"),
  averageSamples: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('Samples in the short moving average of the raw score'),
  historySamples: z
    .number()
    .min(1)
    .default(1000)
    .describe(
      'Effective length, in samples, of the long-run distribution the moving average is compared with',
    ),
  meanFloor: share(0.07, 'Lower bound on the long-run mean raw score'),
  varianceFloor: share(0.0003, 'Lower bound on the long-run variance of the raw score'),
  rangeTolerance: z
    .number()
    .min(0)
    .nullable()
    .default(0.02)
    .describe('A value beyond the range seen so far by more than this share of it scores 1; null disables'),
  suppressSamples: z
    .number()
    .int()
    .min(0)
    .default(40)
    .describe('Samples that score 0 after a score at or above suppressAt (one alert per episode)'),
  suppressAt: share(0.6, 'Score that opens the quiet period (0..1)'),
  freezeAt: optionalShare(
    'While the score is at or above this, the long-run distribution stops learning (alerts end with the incident instead of fading); null: always learns',
  ),
  minScore: share(0.5, 'Report a finding when the score reaches this (0..1)'),
  currentAtLeast: optionalShare(
    "Report only while the current sample's own raw score is at least this, so findings end with the incident instead of trailing it by up to averageSamples; null: off (the NAB-tuned behaviour)",
  ),
});

/**
 * What the ensemble needs to know about each member, declared by the member: how to build it from options, whether
 * it takes the ensemble's `warmupSamples` (trend's window is its warm-up; its strict schema refuses the key), and
 * whether its score is already calibrated (`direct`: flatline's stuck/missing findings).
 */
interface MemberSpec {
  readonly build: (input: Record<string, unknown>) => Model;
  readonly takesWarmup: boolean;
  readonly direct: boolean;
}

const spec = (build: MemberSpec['build'], takesWarmup = true, direct = false): MemberSpec => ({
  build,
  takesWarmup,
  direct,
});

const MEMBERS: Readonly<Record<MemberName, MemberSpec>> = {
  robustZ: spec((i) => ewmaModel(robustZOptions.parse(i))),
  mad: spec((i) => madModel(madOptions.parse(i))),
  seasonal: spec((i) => seasonalModel(seasonalOptions.parse(i))),
  onlineSeasonal: spec((i) => onlineSeasonalModel(onlineSeasonalOptions.parse(i))),
  changePoint: spec((i) => cusumModel(changePointOptions.parse(i))),
  flatline: spec((i) => flatlineModel(flatlineOptions.parse(i)), true, true),
  trend: spec((i) => trendModel(trendOptions.parse(i)), false),
  ar: spec((i) => arModel(arOptions.parse(i))),
};

/** Builds one member model from its options (validated by that member's own schema). */
export function memberModel(name: MemberName, overrides: Record<string, unknown> = {}): Model {
  return MEMBERS[name].build({ ...TUNED[name], ...overrides });
}

/**
 * The members of an ensemble with parsed options `o`: each built with the ensemble's `warmupSamples` when it takes
 * one, then the user's `memberOptions` for it.
 */
export function ensembleMembers(o: EnsembleOptions): EnsembleMember[] {
  return o.members.map((name) => {
    const m = MEMBERS[name];
    const warmup = m.takesWarmup ? { warmupSamples: o.warmupSamples } : {};
    return { name, model: memberModel(name, { ...warmup, ...o.memberOptions[name] }), direct: m.direct };
  });
}

/** The ensemble as a bare {@link Model} (e.g. to score every sample); options as for {@link ensembleDetector}. */
export function createEnsembleModel(input: z.input<typeof ensembleOptions> = {}): Model {
  const o = ensembleOptions.parse(input);
  return ensembleModel({
    ...o,
    members: ensembleMembers(o),
    memberWarmupSamples: o.warmupSamples,
    warmupSamples: o.warmupSamples + o.calibrationSamples,
  });
}

/** Combines several detectors into one calibrated [0,1] score; each finding names the member that fired. */
export const ensembleDetector: Factory<Schema<EnsembleOptions>, Detector> = defineDetector({
  name: 'ensemble',
  options: ensembleOptions,
  create: (o) => modelDetector('ensemble', createEnsembleModel(o), o.minScore),
});
