import type { AlertManager } from '@argus/alerting';
import { type Alerter, createPipeline, type Detector, memoryStateStore, type Pipeline } from '@argus/core';
import { ensembleDetector } from '@argus/detectors';
import { type AnomalySpec, type SyntheticSeries, syntheticSource } from '@argus/source-synthetic';
import { createStore, type Store, storeSink } from '@argus/store';
import { DEFAULT_AM, DEFAULT_SERVER_LISTEN } from './config/server-schema.js';
import { replayHistory } from './demo-history.js';
import { createPrinter, type Io } from './format.js';
import type { LiveServer } from './live-server.js';
import { consoleSink } from './plugins/console-sink.js';
import { processSource } from './plugins/process-source.js';
import { scoreThresholdAlerter } from './plugins/score-threshold.js';
import { ioLogger, runPipeline } from './runtime.js';

/** Options of `argus demo`. */
export interface DemoOptions {
  durationS?: number | undefined;
  seed: number;
  /** Every injected incident lasts this long (a test's steps outlast the default 10–20 s). */
  incidentS?: number | undefined;
  json: boolean;
  quietFindings: boolean;
  /** Serve the API (and web UI) over the demo. @default true */
  server?: boolean | undefined;
  /** Where the server listens. @default 127.0.0.1:9093, or any free loopback port when that is taken */
  listen?: string | undefined;
  /** Serve the web UI with the API. @default true */
  ui?: boolean | undefined;
}

const SERVICES = ['checkout', 'payments', 'search'] as const;
const ALERTNAMES: Record<string, string> = {
  http_request_duration_seconds: 'HighLatency',
  http_requests_per_second: 'TrafficAnomaly',
  queue_depth: 'QueueBacklog',
};
const FIRST_INCIDENT_MS = 8_000;

/**
 * The ensemble tuned for a live demo rather than NAB: the 60 s backfill is enough warm-up (30 + 10 samples), findings
 * continue for as long as an incident lasts (no suppression: the alerter needs consecutive points and must see the
 * end), the long-run distribution does not learn from an incident (so its alert resolves when it ends, not when
 * the incident starts to look normal), and the range rule is off because a few dozen samples of noise do not yet show a series' real range.
 */
export const DEMO_ENSEMBLE = {
  warmupSamples: 30,
  calibrationSamples: 10,
  suppressSamples: 0,
  rangeTolerance: null,
  freezeAt: 0.6,
  minScore: 0.6,
  // findings end with the incident (the likelihood's moving average would trail it by ~10 samples)
  currentAtLeast: 0.5,
} as const;
const INCIDENT_EVERY_MS = 40_000;

interface Scenario {
  service: (typeof SERVICES)[number];
  metric: string;
  anomaly: Omit<AnomalySpec, 'at'>;
}

const SCENARIOS: Scenario[] = [
  {
    service: 'checkout',
    metric: 'http_request_duration_seconds',
    anomaly: { kind: 'levelShift', magnitude: 1.6, durationMs: 15_000 },
  },
  {
    service: 'payments',
    metric: 'queue_depth',
    anomaly: { kind: 'levelShift', magnitude: 60, durationMs: 20_000 },
  },
  {
    service: 'search',
    metric: 'http_requests_per_second',
    anomaly: { kind: 'dip', magnitude: 150, durationMs: 15_000 },
  },
  {
    service: 'payments',
    metric: 'http_request_duration_seconds',
    anomaly: { kind: 'drift', magnitude: 1.2, durationMs: 20_000 },
  },
  {
    service: 'checkout',
    metric: 'http_requests_per_second',
    anomaly: { kind: 'spike', magnitude: 250, durationMs: 10_000 },
  },
];

/** One planned incident. */
export interface Incident {
  service: string;
  metric: string;
  alertname: string;
  kind: string;
  start: number;
  end: number;
}

/**
 * The demo's incidents for the next 24 h: the first ~8 s after `t0`, then one every 40 s, rotating by seed; each
 * lasts its scenario's time, or `durationMs` when given.
 */
export function planIncidents(t0: number, seed: number, durationMs?: number): Incident[] {
  const out: Incident[] = [];
  for (let i = 0; i < 2160; i++) {
    const s = SCENARIOS[(((seed - 1 + i) % SCENARIOS.length) + SCENARIOS.length) % SCENARIOS.length]!;
    // round up to the next whole second: the source samples once a second
    const start = Math.ceil((t0 + FIRST_INCIDENT_MS + i * INCIDENT_EVERY_MS) / 1000) * 1000;
    out.push({
      service: s.service,
      metric: s.metric,
      alertname: ALERTNAMES[s.metric]!,
      kind: s.anomaly.kind,
      start,
      end: start + (durationMs ?? s.anomaly.durationMs ?? 1000),
    });
  }
  return out;
}

function demoSeries(incidents: Incident[]): SyntheticSeries[] {
  const anomaliesOf = (service: string, metric: string): AnomalySpec[] =>
    incidents
      .filter((i) => i.service === service && i.metric === metric)
      .map((i) => {
        const s = SCENARIOS.find((x) => x.service === service && x.metric === metric)!;
        return { ...s.anomaly, at: i.start, durationMs: i.end - i.start };
      });
  return SERVICES.flatMap((service, n): SyntheticSeries[] => [
    {
      labels: { __name__: 'http_request_duration_seconds', service, quantile: '0.99' },
      base: 0.2 + 0.05 * n,
      noise: 0.015,
      anomalies: anomaliesOf(service, 'http_request_duration_seconds'),
    },
    {
      labels: { __name__: 'http_requests_per_second', service },
      base: [120, 80, 200][n]!,
      noise: 5,
      anomalies: anomaliesOf(service, 'http_requests_per_second'),
    },
    {
      labels: { __name__: 'queue_depth', service },
      base: 20,
      noise: 2,
      anomalies: anomaliesOf(service, 'queue_depth'),
    },
  ]);
}

function banner(
  io: Io,
  o: DemoOptions,
  first: Incident,
  incidents: Incident[],
  seriesCount: number,
  server: LiveServer | undefined,
): void {
  const printer = createPrinter(io, o.json);
  if (o.json) {
    printer.json({
      type: 'banner',
      series: seriesCount,
      services: [...SERVICES],
      firstIncident: first,
      incidents: incidents.slice(0, 5),
      ...(server
        ? {
            server: {
              url: server.url,
              ui: o.ui !== false && server.uiMissing === undefined,
              ...(server.firstAdmin
                ? { user: server.firstAdmin.name, password: server.firstAdmin.password }
                : {}),
              ...(server.loginUrl ? { loginUrl: server.loginUrl } : {}),
            },
          }
        : {}),
    });
    return;
  }
  const inS = Math.max(0, Math.round((first.start - Date.now()) / 1000));
  const at = new Date(first.start).toTimeString().slice(0, 8);
  printer.line(
    `argus demo: watching this process (heap, RSS, event-loop p99, CPU) and ${SERVICES.length} services × 3 metrics ` +
      `(${SERVICES.join(', ')}); first incident (${first.alertname} on ${first.service}) due at ${at}, in ${inS}s. ` +
      `${o.durationS === undefined ? 'Ctrl-C to stop.' : `Running for ${o.durationS}s.`}`,
  );
}

async function demoAlertManager(io: Io): Promise<AlertManager> {
  const { createAlertManager } = await import('@argus/alerting');
  return createAlertManager({ config: DEFAULT_AM, log: ioLogger(io) });
}

/**
 * The demo's server: its own alert manager (fed by a sink), the demo's store, users in memory. Loaded only here,
 * once the pipeline runs, so the server's packages never delay the demo's start.
 */
async function demoServer(
  o: DemoOptions,
  io: Io,
  am: AlertManager,
  pipeline: Pipeline,
  store: Store,
): Promise<LiveServer> {
  const { startLiveServer } = await import('./live-server.js');
  return startLiveServer({
    settings: {
      listen: o.listen ?? DEFAULT_SERVER_LISTEN,
      ui: o.ui !== false,
      auth: { firstAdmin: true },
    },
    dir: process.cwd(),
    alertManager: am,
    pipeline,
    store,
    state: memoryStateStore(),
    log: ioLogger(io),
    receivers: ['default'],
    // the detector the demo runs, as a config names it: the server replays it for the UI's continuous band
    config: { detectors: [{ use: 'ensemble', options: DEMO_ENSEMBLE }] },
    loginLink: true,
    // a newcomer's demo should not fail because something (an Alertmanager?) already has 9093
    anyPortIfTaken: o.listen === undefined,
  });
}

/** Runs the self-contained demo pipeline in real time. Resolves with the exit code. */
export async function runDemo(o: DemoOptions, io: Io): Promise<number> {
  const t0 = Date.now();
  const incidents = planIncidents(t0, o.seed, o.incidentS === undefined ? undefined : o.incidentS * 1000);
  const series = demoSeries(incidents);
  const store = createStore();
  const detector = (): Detector => ensembleDetector(DEMO_ENSEMBLE);
  const alerter = (): Alerter =>
    scoreThresholdAlerter({
      alertnames: ALERTNAMES,
      alertname: 'ProcessAnomaly',
      forPoints: 2,
      resolvePoints: 5,
    });
  // the server's packages load only when the server is on
  const am = o.server === false ? undefined : await demoAlertManager(io);
  const pipeline = createPipeline({
    logger: ioLogger(io),
    sources: [
      {
        use: syntheticSource({ name: 'workload', series, seed: o.seed, stepMs: 1000, backfillMs: 60_000 }),
        intervalMs: 1000,
      },
      { use: processSource({ name: 'self' }), intervalMs: 1000 },
    ],
    detectors: [detector()],
    alerters: [alerter()],
    sinks: [
      consoleSink({ findings: !o.quietFindings, json: o.json }, io),
      storeSink(store),
      ...(am ? [am.sink('server:alerts')] : []),
    ],
  });
  let server: LiveServer | undefined;
  await runPipeline(pipeline, {
    durationS: o.durationS,
    onStarted: async () => {
      // the text banner comes at once; the server's lines follow when it listens (JSON: one banner, with the server)
      if (!o.json) banner(io, o, incidents[0]!, incidents, series.length + 4, undefined);
      if (am) server = await demoServer(o, io, am, pipeline, store);
      if (o.json) banner(io, o, incidents[0]!, incidents, series.length + 4, server);
      else if (server) {
        const { serverLines } = await import('./live-server.js');
        const printer = createPrinter(io, false);
        for (const l of serverLines(server, o.ui !== false)) printer.line(`argus demo: ${l}`);
      }
    },
    beforeStop: async () => {
      await server?.close();
    },
  });
  await replayHistory(store, { detector, alerter }, createPrinter(io, o.json), o.json);
  return 0;
}
