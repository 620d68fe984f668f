// The server's and the pipeline's own metrics for `GET /metrics`, in Prometheus text format: what Prometheus and
// Alertmanager expose about themselves (requests by handler and code, config reloads), plus the pipeline's plugin
// counters, source health, the alert manager's queues, analysis jobs and live-event clients.
import type { AlertManager } from '@argus/alerting';
import type { Pipeline, SourceHealth } from '@argus/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read at scrape time. */
export interface MetricsSources {
  pipeline(): Pipeline | undefined;
  alertManager(): AlertManager;
  events(): { clients: number; dropped: number };
}

/** A job's type and state as the metrics count them. */
interface JobChange {
  readonly id: string;
  readonly type: string;
  readonly state: string;
}

const PLUGIN_COUNTERS = ['received', 'sent', 'dropped', 'errors'] as const;

type Read = () => readonly { labels: Record<string, string>; value: number }[];

/**
 * A metric whose values are read at scrape time: a gauge, or a counter read from a running total kept elsewhere
 * (prom-client counters only go up by `inc`, so each scrape resets and adds the total).
 */
function readMetric(
  type: 'counter' | 'gauge',
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: Read,
): void {
  const config = { name, help, labelNames, registers: [registry] };
  if (type === 'counter')
    new Counter({
      ...config,
      collect() {
        this.reset();
        for (const { labels, value } of read()) this.inc(labels, value);
      },
    });
  else
    new Gauge({
      ...config,
      collect() {
        this.reset();
        for (const { labels, value } of read()) this.set(labels, value);
      },
    });
}

const totalCounter = (r: Registry, name: string, help: string, labels: readonly string[], read: Read): void =>
  readMetric('counter', r, name, help, labels, read);
const readGauge = (r: Registry, name: string, help: string, labels: readonly string[], read: Read): void =>
  readMetric('gauge', r, name, help, labels, read);

/** The registry behind `/metrics`; the server feeds it requests, auth failures, jobs and source health. */
export class ServerMetrics {
  readonly registry: Registry = new Registry();
  private readonly requests: Counter<'handler' | 'method' | 'code'>;
  private readonly duration: Histogram<'handler' | 'method'>;
  private readonly authFailures: Counter<'reason'>;
  private readonly jobsStarted: Counter<'type'>;
  private readonly jobsFinished: Counter<'type' | 'state'>;
  /** Running jobs by id → type; an entry leaves when the job ends. */
  private readonly running = new Map<string, string>();
  /** Latest health of each source, from the pipeline's `health` events. */
  private readonly health = new Map<string, boolean>();

  constructor(private readonly src: MetricsSources) {
    const r = this.registry;
    this.requests = new Counter({
      name: 'argus_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code.',
      labelNames: ['handler', 'method', 'code'],
      registers: [r],
    });
    this.duration = new Histogram({
      name: 'argus_http_request_duration_seconds',
      help: 'Time to answer HTTP requests (live-event streams excluded), by route pattern and method.',
      labelNames: ['handler', 'method'],
      buckets: [0.005, 0.025, 0.1, 0.5, 2.5, 10, 60],
      registers: [r],
    });
    this.authFailures = new Counter({
      name: 'argus_http_auth_failures_total',
      help: 'Requests refused: no or wrong credentials (unauthenticated), a role without the permission (forbidden).',
      labelNames: ['reason'],
      registers: [r],
    });
    this.jobsStarted = new Counter({
      name: 'argus_analysis_jobs_started_total',
      help: 'Analysis jobs started, by type.',
      labelNames: ['type'],
      registers: [r],
    });
    this.jobsFinished = new Counter({
      name: 'argus_analysis_jobs_finished_total',
      help: 'Analysis jobs ended, by type and final state (succeeded, failed, cancelled).',
      labelNames: ['type', 'state'],
      registers: [r],
    });
    readGauge(r, 'argus_analysis_jobs_running', 'Analysis jobs running now.', [], () => [
      { labels: {}, value: this.running.size },
    ]);
    this.pipelineMetrics();
    this.serverMetrics();
  }

  /** Counts one answered request; `handler` is the route pattern (never the raw URL: bounded label values). */
  request(handler: string, method: string, code: number, seconds: number | undefined): void {
    this.requests.inc({ handler, method, code: String(code) });
    if (seconds !== undefined) this.duration.observe({ handler, method }, seconds);
    if (code === 401) this.authFailures.inc({ reason: 'unauthenticated' });
    else if (code === 403) this.authFailures.inc({ reason: 'forbidden' });
  }

  /** Follows a job's views: counted once when first seen running, once when it ends. */
  job(v: JobChange): void {
    if (v.state === 'running') {
      if (this.running.has(v.id)) return;
      this.running.set(v.id, v.type);
      this.jobsStarted.inc({ type: v.type });
    } else if (this.running.delete(v.id)) this.jobsFinished.inc({ type: v.type, state: v.state });
  }

  /** Follows a pipeline's source health; returns the unsubscribe. A new pipeline (a reload) starts afresh. */
  attach(pipeline: Pipeline | undefined): () => void {
    this.health.clear();
    const onHealth = (h: SourceHealth): void => void this.health.set(h.source, h.up);
    pipeline?.on('health', onHealth);
    return () => pipeline?.off('health', onHealth);
  }

  /** The exposition, Prometheus text format 0.0.4. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private pipelineMetrics(): void {
    const r = this.registry;
    const plugins = () => Object.entries(this.src.pipeline()?.stats().plugins ?? {});
    for (const n of PLUGIN_COUNTERS)
      totalCounter(
        r,
        `argus_plugin_${n}_total`,
        `Items ${n === 'errors' ? 'that failed' : n} per plugin.`,
        ['plugin', 'kind'],
        () => plugins().map(([plugin, s]) => ({ labels: { plugin, kind: s.kind }, value: s[n] })),
      );
    readGauge(
      r,
      'argus_plugin_queue_depth',
      'Items waiting in a sink buffer or judge queue.',
      ['plugin', 'kind'],
      () => plugins().map(([plugin, s]) => ({ labels: { plugin, kind: s.kind }, value: s.queueDepth })),
    );
    readGauge(
      r,
      'argus_source_up',
      'Whether a source is up (1) or down (0), from its latest health change.',
      ['source'],
      () => [...this.health].map(([source, up]) => ({ labels: { source }, value: up ? 1 : 0 })),
    );
    readGauge(r, 'argus_pipeline_running', 'Whether the pipeline is running (1) or not (0).', [], () => [
      { labels: {}, value: this.src.pipeline()?.status === 'running' ? 1 : 0 },
    ]);
    readGauge(r, 'argus_series_active', 'Series interned by the pipeline.', [], () => [
      { labels: {}, value: this.src.pipeline()?.stats().series.active ?? 0 },
    ]);
    totalCounter(r, 'argus_series_rejected_total', 'Series refused by the series cap.', [], () => [
      { labels: {}, value: this.src.pipeline()?.stats().series.rejected ?? 0 },
    ]);
  }

  private serverMetrics(): void {
    const r = this.registry;
    readGauge(
      r,
      'argus_alerts',
      'Alerts held by the alert manager, by state (active, suppressed).',
      ['state'],
      () => {
        const by = new Map<string, number>();
        for (const a of this.src.alertManager().alerts())
          by.set(a.status.state, (by.get(a.status.state) ?? 0) + 1);
        return [...by].map(([state, value]) => ({ labels: { state }, value }));
      },
    );
    readGauge(
      r,
      'argus_notifications_queued',
      'Alert groups waiting to be notified, by receiver lane.',
      ['lane'],
      () =>
        Object.entries(this.src.alertManager().queued()).map(([lane, value]) => ({
          labels: { lane },
          value,
        })),
    );
    readGauge(
      r,
      'argus_notifications_dead_letters',
      'Notifications given up on after their retries.',
      [],
      () => [{ labels: {}, value: this.src.alertManager().deadLetters().length }],
    );
    readGauge(r, 'argus_events_clients', 'Live-event (SSE) clients connected.', [], () => [
      { labels: {}, value: this.src.events().clients },
    ]);
    totalCounter(
      r,
      'argus_events_clients_dropped_total',
      'Live-event clients cut off for not reading.',
      [],
      () => [{ labels: {}, value: this.src.events().dropped }],
    );
  }
}
