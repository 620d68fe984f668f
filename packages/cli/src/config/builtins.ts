import { predictiveRule } from '@argus/alerting';
import type { Plugin, PluginKind } from '@argus/core';
import {
  changePointDetector,
  ensembleDetector,
  flatlineDetector,
  madDetector,
  robustZDetector,
  seasonalDetector,
  trendDetector,
} from '@argus/detectors';
import { type SyntheticSourceOptions, syntheticSource } from '@argus/source-synthetic';
import type { Io } from '../format.js';
import { type ConsoleSinkOptions, consoleSink } from '../plugins/console-sink.js';
import { ewmaDetector } from '../plugins/ewma-detector.js';
import { processSource } from '../plugins/process-source.js';
import { scoreThresholdAlerter } from '../plugins/score-threshold.js';
import { importOptional } from './resolve.js';

/** A plugin the config can name with a bare word. */
export interface Builtin {
  readonly kind: PluginKind;
  readonly description: string;
  /** `dir` is the config's folder, where optional packages are also looked for. */
  create(options: Record<string, unknown>, io: Io, dir: string): Plugin | Promise<Plugin>;
}

function detector(what: string, factory: (o: never) => Plugin): Builtin {
  return {
    kind: 'detector',
    description: `${what} (@argus/detectors)`,
    create: (o) => factory(o as never),
  };
}

const core: Record<string, Builtin> = {
  synthetic: {
    kind: 'source',
    description: 'seeded synthetic series with injected anomalies (@argus/source-synthetic)',
    create: (o) => syntheticSource(o as unknown as SyntheticSourceOptions),
  },
  process: {
    kind: 'source',
    description: 'this process: heap, RSS, event-loop p99, CPU',
    create: (o) => processSource(o),
  },
  ewma: {
    kind: 'detector',
    description: 'EWMA z-score detector (kept for compatibility)',
    create: (o) => ewmaDetector(o),
  },
  'score-threshold': {
    kind: 'alerter',
    description: 'fires after N consecutive high-score findings',
    create: (o) => scoreThresholdAlerter(o),
  },
  console: {
    kind: 'sink',
    description: 'prints findings and alerts',
    create: (o, io) => consoleSink(o as ConsoleSinkOptions, io),
  },
  'robust-z': detector('robust z-score over an EWMA/EWMV baseline', robustZDetector),
  mad: detector('median/MAD over a sliding window', madDetector),
  seasonal: detector('seasonal (Holt-Winters) baseline, period auto-detected', seasonalDetector),
  'change-point': detector('CUSUM level shifts', changePointDetector),
  flatline: detector('stuck values and missing data', flatlineDetector),
  trend: detector('robust trend, forecast band, "will cross X within H"', trendDetector),
  ensemble: detector('calibrated ensemble of the detectors above', ensembleDetector),
  // the model judges candidate findings off the hot path; the package (and its `ollama` client) is optional
  ollama: {
    kind: 'detector',
    description:
      'judgement of candidate findings by an Ollama model (@argus/detector-ollama, installed apart)',
    async create(o, _io, dir) {
      const mod = await importOptional('@argus/detector-ollama', dir, 'the "ollama" detector');
      return (mod['ollamaDetector'] as (o: unknown) => Plugin)(o);
    },
  },
  predictive: {
    kind: 'alerter',
    description:
      "predictive alerts: forecast findings (trend crossAbove) and a judge's verdict (@argus/alerting)",
    create: (o) => predictiveRule(o as never),
  },
};

const PROCESSORS = ['filter', 'relabel', 'rate', 'aggregate', 'downsample', 'shardSeries'] as const;

let processors: Promise<Record<string, Builtin>> | undefined;

// @argus/processors is loaded on demand, so the CLI still works where it is not installed
function loadProcessors(): Promise<Record<string, Builtin>> {
  const specifier = '@argus/processors';
  processors ??= import(specifier).then(
    (mod: Record<string, unknown>) => {
      const out: Record<string, Builtin> = {};
      for (const name of PROCESSORS) {
        const factory = mod[name];
        if (typeof factory !== 'function') continue;
        out[name] = {
          kind: 'processor',
          description: `${name} processor (@argus/processors)`,
          create: (o) => (factory as (o: unknown) => Plugin)(o),
        };
      }
      return out;
    },
    () => ({}),
  );
  return processors;
}

/** Every builtin available here, by name. */
export async function builtins(): Promise<Record<string, Builtin>> {
  return { ...core, ...(await loadProcessors()) };
}
