import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alert, Finding, PipelineStats, SeriesRegistry } from '@argus/core';
import { Registry } from 'prom-client';
import { type DynamicMetric, dynamicMetric, type ExportedValue, exportLabels } from './collectors.js';

/** What the exporter needs of a pipeline: its stats, its series registry and its `finding`/`alert` events. */
export interface ExportablePipeline {
  readonly series: SeriesRegistry;
  stats(): PipelineStats;
  on(event: 'finding', listener: (finding: Finding) => void): unknown;
  on(event: 'alert', listener: (alert: Alert) => void): unknown;
  off(event: 'finding', listener: (finding: Finding) => void): unknown;
  off(event: 'alert', listener: (alert: Alert) => void): unknown;
}

/** Options of {@link argusExporter}. */
export interface ArgusExporterOptions {
  /** The prom-client registry to register into (e.g. your service's). @default a new `Registry` */
  registry?: Registry;
  /** Drop a series' anomaly score when no finding has refreshed it for this long. @default 300000 */
  findingTtlMs?: number;
  /** Most series with an exported score; the oldest are dropped past it. @default 10000 */
  maxSeries?: number;
}

/** A running exporter: its registry, and `stop()` to unsubscribe and unregister. */
export interface ArgusExporter {
  readonly registry: Registry;
  stop(): void;
}

interface Scored {
  labels: Record<string, string>;
  score: number;
  expected: Finding['expected'];
  at: number;
}

const NAMES = ['received', 'sent', 'dropped', 'errors'] as const;

/**
 * Exposes Argus's own metrics through prom-client, so Prometheus can store them and Grafana chart them:
 * per-plugin `argus_plugin_{received,sent,dropped,errors}_total` and queue depth from `pipeline.stats()`,
 * `argus_series_active`, `argus_anomaly_score` and `argus_expected_{value,lower,upper}` per series from
 * `finding` events, and `ALERTS` / `ALERTS_FOR_STATE` for pending and firing alerts, as Prometheus writes them.
 * @example
 * const exporter = argusExporter(pipeline, { registry: register });
 * http.createServer(metricsHandler(exporter.registry)).listen(9464, '127.0.0.1');
 */
export function argusExporter(
  pipeline: ExportablePipeline,
  options: ArgusExporterOptions = {},
): ArgusExporter {
  const registry = options.registry ?? new Registry();
  const events = new EventState(
    pipeline.series,
    options.findingTtlMs ?? 300_000,
    options.maxSeries ?? 10_000,
  );
  const onFinding = (f: Finding): void => events.finding(f);
  const onAlert = (a: Alert): void => events.alert(a);
  pipeline.on('finding', onFinding);
  pipeline.on('alert', onAlert);
  const metrics = [...statsMetrics(pipeline), ...eventMetrics(events)];
  // registered names, kept apart: prom-client renames counter objects when it renders OpenMetrics
  const names = metrics.map((m) => m.name);
  for (const m of metrics) registry.registerMetric(m as never);
  return {
    registry,
    stop() {
      pipeline.off('finding', onFinding);
      pipeline.off('alert', onAlert);
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}

/** Latest score per series and detector (expiring), and the active alerts, from pipeline events. */
class EventState {
  private readonly scores = new Map<string, Scored>();
  readonly alerts: Map<string, Alert> = new Map();
  constructor(
    private readonly series: SeriesRegistry,
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  finding(f: Finding): void {
    const key = `${f.series}\u0000${f.detector}`;
    // delete first so the map's order is last-updated order, which the cap evicts from
    this.scores.delete(key);
    const labels = exportLabels(this.series.labels(f.series), { detector: f.detector });
    this.scores.set(key, { labels, score: f.score, expected: f.expected, at: Date.now() });
    if (this.scores.size > this.max) this.scores.delete(this.scores.keys().next().value!);
  }

  alert(a: Alert): void {
    if (a.state === 'pending' || a.state === 'firing') this.alerts.set(a.fingerprint, a);
    else this.alerts.delete(a.fingerprint);
  }

  fresh(): Scored[] {
    const cutoff = Date.now() - this.ttlMs;
    for (const [k, s] of this.scores) if (s.at < cutoff) this.scores.delete(k);
    return [...this.scores.values()];
  }
}

function statsMetrics(pipeline: ExportablePipeline): DynamicMetric[] {
  return [
    ...NAMES.map((n) =>
      dynamicMetric(
        `argus_plugin_${n}_total`,
        `Items ${n === 'errors' ? 'that failed' : n} per plugin.`,
        'counter',
        () => pluginValues(pipeline.stats(), (s) => s[n]),
      ),
    ),
    dynamicMetric('argus_plugin_queue_depth', 'Items waiting in a sink buffer or judge queue.', 'gauge', () =>
      pluginValues(pipeline.stats(), (s) => s.queueDepth),
    ),
    dynamicMetric('argus_series_active', 'Series interned by the pipeline.', 'gauge', () => [
      { labels: {}, value: pipeline.stats().series.active },
    ]),
    dynamicMetric('argus_series_rejected_total', 'Series refused by the series cap.', 'counter', () => [
      { labels: {}, value: pipeline.stats().series.rejected },
    ]),
  ];
}

function eventMetrics(events: EventState): DynamicMetric[] {
  return [
    dynamicMetric(
      'argus_anomaly_score',
      'Latest anomaly score (0..1) per series and detector.',
      'gauge',
      () => events.fresh().map((s) => ({ labels: s.labels, value: s.score })),
    ),
    ...(['value', 'lower', 'upper'] as const).map((part) =>
      dynamicMetric(`argus_expected_${part}`, `Detector's expected ${part} per series.`, 'gauge', () =>
        events.fresh().flatMap((s) => (s.expected ? [{ labels: s.labels, value: s.expected[part] }] : [])),
      ),
    ),
    dynamicMetric('ALERTS', 'Pending and firing alerts, as Prometheus exports them.', 'gauge', () =>
      [...events.alerts.values()].map((a) => ({ labels: { ...a.labels, alertstate: a.state }, value: 1 })),
    ),
    dynamicMetric('ALERTS_FOR_STATE', 'Start of each active alert, Unix seconds.', 'gauge', () =>
      [...events.alerts.values()].map((a) => ({ labels: { ...a.labels }, value: a.startsAt / 1000 })),
    ),
  ];
}

function pluginValues(
  stats: PipelineStats,
  pick: (s: PipelineStats['plugins'][string]) => number,
): ExportedValue[] {
  return Object.entries(stats.plugins).map(([plugin, s]) => ({
    labels: { plugin, kind: s.kind },
    value: pick(s),
  }));
}

/**
 * A `node:http` request handler serving `registry.metrics()`, to mount on an existing server.
 * @example
 * const handle = metricsHandler(exporter.registry);
 * http.createServer((req, res) => (req.url === '/metrics' ? handle(req, res) : app(req, res)));
 */
export function metricsHandler(registry: Registry): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  };
}
