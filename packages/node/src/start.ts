import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  type AlertManager,
  createAlertManager,
  type Notification,
  type Notifier,
  type RuleGroups,
  webhookNotifier,
} from '@argus/alerting';
import {
  type Alert,
  type Clock,
  consoleLogger,
  createPipeline,
  deprecate,
  type Finding,
  type Labels,
  type Logger,
  matchesLabels,
  openStateStore,
  optionsError,
  type Pipeline,
  type PluginError,
  parseMatchers,
  parseOptions,
  systemClock,
} from '@argus/core';
import { EARLY_DEFAULTS, ensembleDetector } from '@argus/detectors';
import { type ArgusExporter, argusExporter, metricsHandler, registrySource } from '@argus/source-prometheus';
import { createStore, type Store, storeSink, writeOnce } from '@argus/store';
import { Registry, register } from 'prom-client';
import { consoleNotifier } from './console.js';
import { deriveSeries } from './derive.js';
import { type StartupFacts, startupLine, warmupDoneLine, warmupMetrics } from './feedback.js';
import { type NotifyOptions, type StartArgusOptions, startArgusSchema } from './options.js';
import { registryReader } from './registry-read.js';
import { ruleFilePlugins } from './rule-files.js';
import { DEFAULT_WATCH_SELECTOR, defaultRules } from './rules.js';
import { ensembleSamplesNeeded, type WarmupDetector, type WarmupStatus, withWarmup } from './warmup.js';
import { watchOnly } from './watch.js';

/** Events of an {@link ArgusHandle}. */
export interface ArgusEvents {
  finding: (finding: Finding) => void;
  alert: (alert: Alert) => void;
  notification: (notification: Notification) => void;
  error: (error: PluginError) => void;
}

/** A running Argus: stop it, listen to it, mount its metrics. */
export interface ArgusHandle extends AsyncDisposable {
  readonly pipeline: Pipeline;
  /** Recorded samples, findings and alert history (`range`, `findings`, `alerts`, …). */
  readonly store: Store;
  readonly alertManager: AlertManager;
  /** The rule files' groups running in process (`ruleFiles`), for `/api/v1/rules` and `/api/v1/alerts`. */
  readonly ruleGroups?: RuleGroups;
  /** Argus's own metrics (anomaly scores, expected bands, `ALERTS`, pipeline stats). */
  readonly exporter: ArgusExporter;
  /** A `node:http` handler serving the exporter's registry, to mount e.g. at `/argus/metrics`. */
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Where the default detector stands (also exported as `argus_warmup_*`): `ready` once the ensemble scores every
   * watched series, `progress` 0..1 until then. With your own `detectors`, Argus cannot know their warm-up:
   * `ready` is true and `samplesNeeded` 0.
   */
  readonly warmup: WarmupStatus;
  /** Subscribes; returns a function that unsubscribes. */
  on<E extends keyof ArgusEvents>(event: E, listener: ArgusEvents[E]): () => void;
  /**
   * Drains the pipeline and saves learned state within `timeoutMs` (default 5000), then closes the store.
   * Idempotent: later calls get the first call's promise.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Starts Argus inside your service: reads your prom-client registry, derives latency means and the 5xx error
 * ratio, runs the ensemble detector and the default rules (event-loop lag, heap, error rate, anomalies),
 * records history in an in-memory store, notifies to the console (and a webhook), and keeps learned state in
 * `.argus/state`. Bad options throw `ERR_PLUGIN_OPTIONS` naming the option before anything starts.
 * @example
 * const argus = await startArgus({ registry: register });
 * process.once('SIGTERM', () => void argus.stop());
 */
export async function startArgus(options: StartArgusOptions = {}): Promise<ArgusHandle> {
  const o = parseOptions(startArgusSchema, options, 'startArgus') as StartArgusOptions;
  checkRegistries(o);
  const log = o.logger ?? consoleLogger('info');
  const dataDir = o.dataDir ?? '.argus';
  const intervalMs = o.intervalMs ?? 15_000;
  const watch = o.watch ?? DEFAULT_WATCH_SELECTOR;
  const store = createStore({
    retentionMs: o.retentionMs ?? 86_400_000,
    ...(o.persistHistory ? { dataDir: join(dataDir, 'store') } : {}),
  });
  const rules = await ruleFilePlugins(o.ruleFiles ?? [], store, o.ruleEvaluator);
  const am = createAlertManager({ config: managerConfig(o.notify), log });
  const warm = o.detectors ? undefined : presetDetector(log, o.clock ?? systemClock);
  const state = await openStateStore({ dir: join(dataDir, 'state'), log });
  // the groups have written their samples to the store already; the sink leaves them out
  const recorded = writeOnce(rules.sources, storeSink(store));
  const pipeline = createPipeline({
    sources: [
      registrySource({
        registry: registryReader(o.registry ?? register),
        intervalMs,
        labels: o.labels ?? {},
      }),
      ...recorded.sources,
    ],
    processors: [
      deriveSeries({
        requestsMetric: o.requestsMetric ?? 'http_requests_total',
        statusLabel: o.statusLabel ?? 'status',
      }),
    ],
    detectors: (o.detectors ?? [warm!]).map((d) => watchOnly(d, watch)),
    alerters: [
      ...defaultRules(o.rules, { anomalyHoldMs: o.detectors ? 300_000 : 0, watch }),
      ...(o.alerters ?? []),
      ...rules.alerters,
    ],
    sinks: [recorded.sink, am.sink()],
    state,
    logger: log,
    ...(o.clock ? { clock: o.clock } : {}),
  });
  const exporter = argusExporter(pipeline, { registry: o.exporterRegistry ?? new Registry() });
  const status = (): WarmupStatus => warm?.status() ?? NO_WARMUP;
  const unregister = warmupMetrics(exporter.registry, status);
  try {
    await pipeline.start();
  } catch (err) {
    unregister();
    exporter.stop();
    await store.close();
    throw err;
  }
  log.info(await startupLine(startupFacts(o, state.location, warm, intervalMs, watch)));
  return handle({ pipeline, store, am, exporter, warm, unregister, ruleGroups: rules.groups });
}

/**
 * The ensemble as the preset runs it: a finding on every anomalous point of an incident (no quiet period), ending
 * with it, and a long-run baseline that does not learn from it, so alerts fire at once and resolve when the
 * incident ends. The scoring itself (members, warm-up, calibration) is the ensemble's default.
 */
const PRESET_ENSEMBLE = { suppressSamples: 0, freezeAt: 0.6, currentAtLeast: 0.5 } as const;

/** What the start-up line reports, from the options and what was set up. */
function startupFacts(
  o: StartArgusOptions,
  location: string,
  warm: WarmupDetector | undefined,
  intervalMs: number,
  watch: string,
): StartupFacts {
  return {
    registryName: o.registry ? 'your prom-client registry' : "prom-client's global register",
    registry: o.registry ?? register,
    intervalMs,
    watch,
    stateLocation: location === 'memory' ? 'memory (not kept across restarts)' : location,
    warmup: warm?.status(),
    earlySamples: warm ? EARLY_DEFAULTS.minSamples : undefined,
  };
}

/** The preset's detector: the ensemble, with the early check until it is warm, and a log line when it is. */
function presetDetector(log: Logger, clock: Clock): WarmupDetector {
  const startedAt = clock.now();
  return withWarmup(ensembleDetector(PRESET_ENSEMBLE), {
    samplesNeeded: ensembleSamplesNeeded(PRESET_ENSEMBLE),
    earlyFor: earlyFor(),
    onReady: (w) => log.info(warmupDoneLine(w, clock.now() - startedAt)),
  });
}

/**
 * The early check judges the means of your histograms, the error ratio and event-loop lag. It leaves heap used
 * alone (it grows several-fold while a service starts; HeapNearLimit watches it) and Node's own GC pauses (bursty
 * by nature: a few samples say nothing about their range).
 */
function earlyFor(): (labels: Labels) => boolean {
  const left = parseMatchers('{__name__=~"nodejs_heap_size_used_bytes|argus:nodejs_.+"}');
  return (labels) => !matchesLabels(left, labels);
}

const NO_WARMUP: WarmupStatus = {
  ready: true,
  progress: 1,
  series: 0,
  warm: 0,
  samplesNeeded: 0,
  restored: 0,
};

/** The exporter's registry must not be the watched one. */
function checkRegistries(o: StartArgusOptions): void {
  if (o.exporterRegistry && o.exporterRegistry === (o.registry ?? register)) {
    // Argus would read its own scores back as monitored series, and score them, in a loop
    throw optionsError('startArgus', [
      {
        path: 'exporterRegistry',
        message:
          'must not be the registry Argus watches; pass another Registry, or leave it out for a new one',
        given: 'the watched registry',
      },
    ]);
  }
}

function managerConfig(n: NotifyOptions = {}): Parameters<typeof createAlertManager>[0]['config'] {
  const notifiers: Notifier[] = [];
  if (n.console !== false) notifiers.push(consoleNotifier());
  if (n.webhookUrl)
    deprecate('ARGUS_DEP_NOTIFY_WEBHOOK_URL', 'startArgus: `notify.webhookUrl` is renamed `notify.url`');
  const url = n.url ?? n.webhookUrl;
  if (url) notifiers.push(webhookNotifier({ url }));
  return {
    route: {
      receiver: 'default',
      groupBy: ['alertname'],
      // the first notification within 10 s of an incident's first anomalous read, RESOLVED soon after it ends
      groupWaitMs: n.groupWaitMs ?? 5_000,
      groupIntervalMs: n.groupIntervalMs ?? 10_000,
      repeatIntervalMs: n.repeatIntervalMs ?? 4 * 3_600_000,
    },
    receivers: [{ name: 'default', notifiers }],
  };
}

interface Parts {
  pipeline: Pipeline;
  store: Store;
  am: AlertManager;
  exporter: ArgusExporter;
  warm: WarmupDetector | undefined;
  unregister: () => void;
  ruleGroups: RuleGroups | undefined;
}

function handle({ pipeline, store, am, exporter, warm, unregister, ruleGroups }: Parts): ArgusHandle {
  let stopping: Promise<void> | undefined;
  const stop = (options: { timeoutMs?: number } = {}): Promise<void> =>
    (stopping ??= (async () => {
      unregister();
      exporter.stop();
      try {
        await pipeline.stop({ timeoutMs: options.timeoutMs ?? 5_000 });
      } finally {
        await store.close();
      }
    })());
  return {
    pipeline,
    store,
    alertManager: am,
    ...(ruleGroups ? { ruleGroups } : {}),
    exporter,
    metricsHandler: metricsHandler(exporter.registry),
    get warmup() {
      return warm?.status() ?? NO_WARMUP;
    },
    on(event, listener) {
      if (event === 'notification') {
        // registered on the manager itself: it guards each listener, so one that throws cannot skip the others
        const fn = listener as (n: Notification) => void;
        am.on('notification', fn);
        return () => am.off('notification', fn);
      }
      // the pipeline's event names and listener shapes match ArgusEvents for these three
      const fn = listener as (finding: Finding) => void;
      pipeline.on(event as 'finding', fn);
      return () => void pipeline.off(event as 'finding', fn);
    },
    stop,
    [Symbol.asyncDispose]: () => stop(),
  };
}
