// The model behind each built-in detector, by the name a config file gives it (`use: mad`), built fresh from the
// detector's own options: for replaying a detector over stored history to read its expected band at every sample
// (`Model.update` fills `out.expected/lower/upper` for each sample, not only for findings). A new instance each
// call, so a running detector's learned state is never touched.
import { parseOptions } from '@argus/core';
import {
  arOptions,
  changePointOptions,
  flatlineOptions,
  madOptions,
  onlineSeasonalOptions,
  robustZOptions,
  seasonalOptions,
  trendOptions,
} from './detectors.js';
import { createEnsembleModel, ensembleOptions } from './ensemble.js';
import type { Model } from './model.js';
import { arModel } from './models/ar.js';
import { cusumModel } from './models/cusum.js';
import { ewmaModel } from './models/ewma.js';
import { flatlineModel } from './models/flatline.js';
import { madModel } from './models/mad.js';
import { onlineSeasonalModel } from './models/online-seasonal.js';
import { seasonalModel } from './models/seasonal.js';
import { trendModel } from './models/trend.js';

type Build = (input: Record<string, unknown>) => Model;

// the same schema and model each detector factory pairs in detectors.ts / ensemble.ts; options are checked as the
// factory checks them (ERR_PLUGIN_OPTIONS naming the detector and the field)
const BUILDERS: Readonly<Record<string, Build>> = {
  'robust-z': (i) => ewmaModel(parseOptions(robustZOptions, i, 'robust-z')),
  ar: (i) => arModel(parseOptions(arOptions, i, 'ar')),
  mad: (i) => madModel(parseOptions(madOptions, i, 'mad')),
  seasonal: (i) => seasonalModel(parseOptions(seasonalOptions, i, 'seasonal')),
  'online-seasonal': (i) => onlineSeasonalModel(parseOptions(onlineSeasonalOptions, i, 'online-seasonal')),
  'change-point': (i) => cusumModel(parseOptions(changePointOptions, i, 'change-point')),
  flatline: (i) => flatlineModel(parseOptions(flatlineOptions, i, 'flatline')),
  trend: (i) => trendModel(parseOptions(trendOptions, i, 'trend')),
  ensemble: (i) => createEnsembleModel(parseOptions(ensembleOptions, i, 'ensemble')),
};

/** The detector names {@link detectorModel} knows: every built-in detector of this package. */
export const MODEL_DETECTORS: readonly string[] = Object.keys(BUILDERS);

/**
 * A fresh {@link Model} of the built-in detector `name` with `options` (as its factory takes them), or `undefined`
 * for a name this package does not define. Throws the factory's `ERR_PLUGIN_OPTIONS` error on bad options.
 */
export function detectorModel(name: string, options: Record<string, unknown> = {}): Model | undefined {
  return Object.hasOwn(BUILDERS, name) ? (BUILDERS[name] as Build)(options) : undefined;
}
