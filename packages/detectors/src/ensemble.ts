import { type Detector, defineDetector, type Factory } from '@argus/core';
import { z } from 'zod';
import {
  changePointOptions,
  flatlineOptions,
  madOptions,
  robustZOptions,
  type Schema,
  seasonalOptions,
  trendOptions,
} from './detectors.js';
import type { Model } from './model.js';
import { cusumModel } from './models/cusum.js';
import { type EnsembleMember, ensembleModel } from './models/ensemble.js';
import { ewmaModel } from './models/ewma.js';
import { flatlineModel } from './models/flatline.js';
import { madModel } from './models/mad.js';
import { seasonalModel } from './models/seasonal.js';
import { trendModel } from './models/trend.js';
import { modelDetector } from './plugin.js';

/** Names of the models an ensemble can combine. */
export type MemberName = 'robustZ' | 'mad' | 'seasonal' | 'changePoint' | 'flatline' | 'trend';

/** Parsed options of the ensemble's own model. */
export interface EnsembleOptions {
  /** Which models to combine. */
  readonly members: readonly MemberName[];
  /** Per-member option overrides (each member's own defaults otherwise). */
  readonly memberOptions: Readonly<Partial<Record<MemberName, Record<string, unknown>>>>;
  readonly calibrationAlpha: number;
  readonly warmupSamples: number;
  readonly peakDecay: number;
  readonly repeatDamping: number;
}

const MEMBER_NAMES = ['robustZ', 'mad', 'seasonal', 'changePoint', 'flatline', 'trend'] as const;

/** Member defaults tuned on the even-numbered NAB files (see docs/detectors.md); user overrides win. */
const TUNED: Readonly<Partial<Record<MemberName, Record<string, unknown>>>> = {
  robustZ: { alpha: 0.003 },
  changePoint: { alpha: 0.003 },
};

/** Options schema of {@link ensembleDetector}. */
export const ensembleOptions: Schema<EnsembleOptions> = z.object({
  members: z
    .array(z.enum(MEMBER_NAMES))
    .min(1)
    .default(['seasonal', 'robustZ', 'changePoint'])
    .describe('Models to combine'),
  memberOptions: z
    .partialRecord(z.enum(MEMBER_NAMES), z.record(z.string(), z.unknown()))
    .default({})
    .describe('Option overrides per member, e.g. { seasonal: { periodMs: 86400000 } }'),
  calibrationAlpha: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.001)
    .describe("Weight of each sample in a member's long-run surprise distribution"),
  warmupSamples: z.number().int().min(1).default(150).describe('Samples per series before scoring'),
  peakDecay: z.number().min(0).max(1).default(0.999).describe('Per-sample decay of the recent peak score'),
  repeatDamping: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('Factor on scores below the recent peak (0: one alert per episode)'),
  minScore: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Report a finding when the score reaches this (0..1)'),
});

/** Builds one member model from its options (validated by that member's own schema). */
export function memberModel(name: MemberName, overrides: Record<string, unknown> = {}): Model {
  const input = { ...TUNED[name], ...overrides };
  switch (name) {
    case 'robustZ':
      return ewmaModel(robustZOptions.parse(input));
    case 'mad':
      return madModel(madOptions.parse(input));
    case 'seasonal':
      return seasonalModel(seasonalOptions.parse(input));
    case 'changePoint':
      return cusumModel(changePointOptions.parse(input));
    case 'flatline':
      return flatlineModel(flatlineOptions.parse(input));
    case 'trend':
      return trendModel(trendOptions.parse(input));
  }
}

/** The ensemble as a bare {@link Model} (e.g. to score every sample); options as for {@link ensembleDetector}. */
export function createEnsembleModel(input: z.input<typeof ensembleOptions> = {}): Model {
  const o = ensembleOptions.parse(input);
  const members: EnsembleMember[] = o.members.map((name) => ({
    name,
    model: memberModel(name, o.memberOptions[name]),
    direct: name === 'flatline',
  }));
  return ensembleModel({ ...o, members });
}

/** Combines several detectors into one calibrated [0,1] score; each finding names the member that fired. */
export const ensembleDetector: Factory<Schema<EnsembleOptions>, Detector> = defineDetector({
  name: 'ensemble',
  options: ensembleOptions,
  create: (o) => modelDetector('ensemble', createEnsembleModel(o), o.minScore),
});
