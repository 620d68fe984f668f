// The detectors a batch-run job can run, by the names a config file gives them (`use: mad`). A job's detectors
// are made again inside its worker thread from name and options: plugin objects cannot cross a thread boundary.
import type { Detector } from '@argus/core';
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
} from '@argus/detectors';

/** Names of the detectors a batch run can use. */
export type JobDetectorName =
  | 'robust-z'
  | 'mad'
  | 'seasonal'
  | 'online-seasonal'
  | 'change-point'
  | 'flatline'
  | 'trend'
  | 'ar'
  | 'ensemble';

const FACTORIES: Readonly<Record<JobDetectorName, (options: never) => Detector>> = {
  'robust-z': robustZDetector,
  mad: madDetector,
  seasonal: seasonalDetector,
  'online-seasonal': onlineSeasonalDetector,
  'change-point': changePointDetector,
  flatline: flatlineDetector,
  trend: trendDetector,
  ar: arDetector,
  ensemble: ensembleDetector,
};

/** Every name a batch run accepts, for the request schema and messages. */
export const JOB_DETECTORS = Object.keys(FACTORIES) as [JobDetectorName, ...JobDetectorName[]];

/** One detector of a batch run: a name of {@link JOB_DETECTORS} and its options. */
export interface DetectorEntry {
  readonly use: JobDetectorName;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Makes the detector; throws the plugin's `ERR_PLUGIN_OPTIONS` error when its options are wrong. */
export function makeDetector(e: DetectorEntry): Detector {
  return (FACTORIES[e.use] as (o: unknown) => Detector)(e.options ?? {});
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The detectors of the configuration in force (`detectors:` of a config file) that a job can make again: entries
 * whose `use` is a name of {@link JOB_DETECTORS}. Others (plugin objects, the CLI's own) are listed in `skipped`.
 */
export function configuredDetectors(config: unknown): { entries: DetectorEntry[]; skipped: string[] } {
  const list = isRecord(config) && Array.isArray(config['detectors']) ? config['detectors'] : [];
  const entries: DetectorEntry[] = [];
  const skipped: string[] = [];
  for (const item of list) {
    const use = isRecord(item) ? item['use'] : undefined;
    if (typeof use === 'string' && use in FACTORIES) {
      const options = isRecord(item) && isRecord(item['options']) ? item['options'] : undefined;
      entries.push({ use: use as JobDetectorName, ...(options ? { options } : {}) });
    } else skipped.push(typeof use === 'string' ? use : isRecord(use) ? String(use['name']) : '?');
  }
  return { entries, skipped };
}
