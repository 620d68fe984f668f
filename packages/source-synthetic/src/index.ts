export type { GroundTruthAnomaly } from './anomalies.js';
export type { GeneratedSeries, GenerateOptions } from './generate.js';
export { generateSeries } from './generate.js';
export type {
  SeriesGroundTruth,
  SyntheticSource,
  SyntheticSourceOptions,
} from './source.js';
export { syntheticGroundTruth, syntheticSource, syntheticSourceSchema } from './source.js';
export type { AnomalyKind, AnomalySpec, RandomAnomalySpec, SeriesSpec, SyntheticSeries } from './spec.js';
