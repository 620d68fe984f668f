export { detectorModel, MODEL_DETECTORS } from './detector-model.js';
export type { ReportOptions, Schema } from './detectors.js';
export {
  arDetector,
  arOptions,
  changePointDetector,
  changePointOptions,
  flatlineDetector,
  flatlineOptions,
  madDetector,
  madOptions,
  onlineSeasonalDetector,
  onlineSeasonalOptions,
  robustZDetector,
  robustZOptions,
  seasonalDetector,
  seasonalOptions,
  trendDetector,
  trendOptions,
} from './detectors.js';
export type { EnsembleOptions, MemberName } from './ensemble.js';
export {
  createEnsembleModel,
  ENSEMBLE_MEMBERS,
  ensembleDetector,
  ensembleMembers,
  ensembleOptions,
  memberModel,
} from './ensemble.js';
export type { Model } from './model.js';
export type { ArModelOptions } from './models/ar.js';
export { arModel } from './models/ar.js';
export type { CusumModelOptions } from './models/cusum.js';
export { cusumModel } from './models/cusum.js';
export type { EarlyModel, EarlyModelOptions } from './models/early.js';
export { EARLY_DEFAULTS, earlyModel } from './models/early.js';
export type { EnsembleMember, EnsembleModelOptions } from './models/ensemble.js';
export { ensembleModel, likelihoodScore } from './models/ensemble.js';
export type { EwmaModelOptions } from './models/ewma.js';
export { ewmaModel } from './models/ewma.js';
export type { FlatlineModelOptions } from './models/flatline.js';
export { flatlineModel } from './models/flatline.js';
export type { MadModelOptions } from './models/mad.js';
export { madModel } from './models/mad.js';
export type { OnlineSeasonalModelOptions } from './models/online-seasonal.js';
export { onlineSeasonalModel } from './models/online-seasonal.js';
export type { SeasonalModelOptions } from './models/seasonal.js';
export { seasonalModel } from './models/seasonal.js';
export type { TrendModelOptions } from './models/trend.js';
export { trendModel } from './models/trend.js';
export type { NabFile, NabProfile, NabProfileName, NabSweep } from './nab/score.js';
export {
  NAB_NO_FLAG_THRESHOLD,
  NAB_PROFILES,
  normalizeNab,
  probationLength,
  rowValues,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  sweepThreshold,
} from './nab/score.js';
export type { PointOut } from './util/score.js';
export { pointOut, scoreFromZ } from './util/score.js';
