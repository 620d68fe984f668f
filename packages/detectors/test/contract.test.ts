// Every detector this package exports, under @argus/testkit's detector contract. Detectors that need a longer
// warm-up than the suite's default input (two series × 40 points with one spike) are run with
// `expectFindings: false`: the lifecycle, count, mutation and snapshot cases still apply to them.
import { testDetector } from '@argus/testkit';
import {
  arDetector,
  changePointDetector,
  ensembleDetector,
  flatlineDetector,
  madDetector,
  onlineSeasonalDetector,
  robustZDetector,
  seasonalDetector,
  trendDetector,
} from '../src/index.js';

const snapshot = { snapshot: true };

testDetector(() => arDetector({}), {
  title: 'arDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => arDetector({ order: 0 }),
});
testDetector(() => changePointDetector({}), {
  title: 'changePointDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => changePointDetector({ driftSigma: -1 }),
});
testDetector(() => ensembleDetector({}), {
  title: 'ensembleDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => ensembleDetector({ members: [] }),
});
testDetector(() => flatlineDetector({}), {
  title: 'flatlineDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => flatlineDetector({ warmupSamples: -1 }),
});
testDetector(() => madDetector({}), {
  title: 'madDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => madDetector({ windowSamples: 1 }),
});
testDetector(() => onlineSeasonalDetector({}), {
  title: 'onlineSeasonalDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => onlineSeasonalDetector({ periodsBeforeUse: 0 }),
});
testDetector(() => robustZDetector({}), {
  title: 'robustZDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => robustZDetector({ alpha: 2 }),
});
testDetector(() => seasonalDetector({}), {
  title: 'seasonalDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => seasonalDetector({ warmupSamples: -1 }),
});
testDetector(() => trendDetector({ crossAbove: 500, horizonMs: 3_600_000 }), {
  title: 'trendDetector',
  capabilities: snapshot,
  expectFindings: false,
  badOptions: () => trendDetector({ horizonMs: -1 }),
});
