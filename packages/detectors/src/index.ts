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
