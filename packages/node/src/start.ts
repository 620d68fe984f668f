import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  type AlertManager,
  createAlertManager,
  type Notification,
  type Notifier,
  webhookNotifier,
} from '@argus/alerting';
import {
  type Alert,
  consoleLogger,
  createPipeline,
  deprecate,
  type Finding,
  openStateStore,
  optionsError,
  type Pipeline,
  type PluginError,
  parseOptions,
} from '@argus/core';
import { ensembleDetector } from '@argus/detectors';
import { type ArgusExporter, argusExporter, metricsHandler, registrySource } from '@argus/source-prometheus';
import { createStore, type Store, storeSink } from '@argus/store';
import { Registry, register } from 'prom-client';
import { consoleNotifier } from './console.js';
import { deriveSeries } from './derive.js';
import { type NotifyOptions, type StartArgusOptions, startArgusSchema } from './options.js';
import { DEFAULT_WATCH_SELECTOR, defaultRules } from './rules.js';
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
  /** Argus's own metrics (anomaly scores, expected bands, `ALERTS`, pipeline stats). */
  readonly exporter: ArgusExporter;
  /** A `node:http` handler serving the exporter's registry, to mount e.g. at `/argus/metrics`. */
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Subscribes; returns a function that unsubscribes. */
  on<E extends keyof ArgusEvents>(event: E, listener: ArgusEvents[E]): () => void;
  /** Drains the pipeline, saves learned state and closes the store. Idempotent. */
  stop(): Promise<void>;
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
  const log = o.logger ?? consoleLogger('warn');
  const dataDir = o.dataDir ?? '.argus';
  const store = createStore({
    retentionMs: o.retentionMs ?? 86_400_000,
    ...(o.persistHistory ? { dataDir: join(dataDir, 'store') } : {}),
  });
  const am = createAlertManager({ config: managerConfig(o.notify), log });
  const pipeline = createPipeline({
    sources: [
      registrySource({
        ...(o.registry ? { registry: o.registry } : {}),
        intervalMs: o.intervalMs ?? 15_000,
        labels: o.labels ?? {},
      }),
    ],
    processors: [
      deriveSeries({
        requestsMetric: o.requestsMetric ?? 'http_requests_total',
        statusLabel: o.statusLabel ?? 'status',
      }),
    ],
    detectors: (o.detectors ?? [ensembleDetector({})]).map((d) =>
      watchOnly(d, o.watch ?? DEFAULT_WATCH_SELECTOR),
    ),
    alerters: [...defaultRules(o.rules), ...(o.alerters ?? [])],
    sinks: [storeSink(store), am.sink()],
    state: await openStateStore({ dir: join(dataDir, 'state'), log }),
    logger: log,
  });
  const exporter = argusExporter(pipeline, { registry: o.exporterRegistry ?? new Registry() });
  try {
    await pipeline.start();
  } catch (err) {
    exporter.stop();
    await store.close();
    throw err;
  }
  return handle(pipeline, store, am, exporter);
}

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
      groupWaitMs: n.groupWaitMs ?? 30_000,
      groupIntervalMs: n.groupIntervalMs ?? 300_000,
      repeatIntervalMs: n.repeatIntervalMs ?? 4 * 3_600_000,
    },
    receivers: [{ name: 'default', notifiers }],
  };
}

function handle(pipeline: Pipeline, store: Store, am: AlertManager, exporter: ArgusExporter): ArgusHandle {
  const notified = new Set<(n: Notification) => void>();
  am.on('notification', (n) => {
    for (const fn of notified) fn(n);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      exporter.stop();
      try {
        await pipeline.stop({ timeoutMs: 5_000 });
      } finally {
        await store.close();
      }
    })());
  return {
    pipeline,
    store,
    alertManager: am,
    exporter,
    metricsHandler: metricsHandler(exporter.registry),
    on(event, listener) {
      if (event === 'notification') {
        const fn = listener as (n: Notification) => void;
        notified.add(fn);
        return () => void notified.delete(fn);
      }
      // the pipeline's event names and listener shapes match ArgusEvents for these three
      const fn = listener as (finding: Finding) => void;
      pipeline.on(event as 'finding', fn);
      return () => void pipeline.off(event as 'finding', fn);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
