import { freePort, type RunningServer, type ServerContext, startServer } from './server.js';

/** A config text, or a function of the server's port and directory that returns it. */
export type ConfigText = string | ((ctx: ServerContext) => string);

const text = (c: ConfigText, ctx: ServerContext): string => (typeof c === 'function' ? c(ctx) : c);

/** Options of {@link startAlertmanager}. */
export interface AlertmanagerOptions {
  /** alertmanager.yml content. */
  config: ConfigText;
  /** Extra command-line flags. */
  extraArgs?: readonly string[];
  /** Join a gossip cluster: listen on `127.0.0.1:<port>` and peer with `peers` (`127.0.0.1:<port>`). @default gossip off */
  cluster?: { port: number; peers?: readonly string[] };
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * Starts Debian's `prometheus-alertmanager` on a free port of 127.0.0.1, with gossip off
 * (`--cluster.listen-address=`, else it binds 0.0.0.0:9094) and its external URL set to the local address.
 * @example
 * const am = await startAlertmanager({ config: 'route: { receiver: x }\nreceivers: [{ name: x }]\n' });
 */
export function startAlertmanager(options: AlertmanagerOptions): Promise<RunningServer> {
  return startServer({
    command: 'prometheus-alertmanager',
    debianPackage: 'prometheus-alertmanager',
    files: (ctx) => ({ 'alertmanager.yml': text(options.config, ctx) }),
    args: ({ port, dataDir }) => [
      `--config.file=${dataDir}/alertmanager.yml`,
      `--storage.path=${dataDir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      ...(options.cluster
        ? [
            `--cluster.listen-address=127.0.0.1:${options.cluster.port}`,
            ...(options.cluster.peers ?? []).map((p) => `--cluster.peer=${p}`),
          ]
        : ['--cluster.listen-address=']),
      ...(options.extraArgs ?? []),
    ],
    readyPath: '/-/ready',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Options of {@link startPrometheus}. */
export interface PrometheusOptions {
  /** prometheus.yml content; reference rules as `rule_files: [rules.yml]`. */
  config: ConfigText;
  /** Written to `<dataDir>/rules.yml`. */
  rules?: ConfigText;
  /** Extra flags, e.g. `--web.enable-lifecycle`. */
  extraArgs?: readonly string[];
  /** @default 15000 */
  timeoutMs?: number;
  /** Listen on this port instead of a free one (to restart a server where its clients expect it). */
  port?: number;
}

/**
 * Starts Debian's `prometheus` on a free port of 127.0.0.1. Note: it runs its first scrape and rule evaluation
 * about 5 s after start whatever the intervals, so tests must poll for data.
 * @example
 * const prom = await startPrometheus({ config: ({ port }) => selfScrape(port) });
 */
export function startPrometheus(options: PrometheusOptions): Promise<RunningServer> {
  return startServer({
    command: 'prometheus',
    debianPackage: 'prometheus',
    files: (ctx) => ({
      'prometheus.yml': text(options.config, ctx),
      ...(options.rules === undefined ? {} : { 'rules.yml': text(options.rules, ctx) }),
    }),
    args: ({ port, dataDir }) => [
      `--config.file=${dataDir}/prometheus.yml`,
      `--storage.tsdb.path=${dataDir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      ...(options.extraArgs ?? []),
    ],
    readyPath: '/-/ready',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}

/** Options of {@link startNodeExporter}. */
export interface NodeExporterOptions {
  /** Files for the textfile collector (name ending in `.prom` → content), served from `<dataDir>/textfile`. */
  textfiles?: Readonly<Record<string, string>>;
  extraArgs?: readonly string[];
  /** @default 15000 */
  timeoutMs?: number;
}

/** Starts Debian's `prometheus-node-exporter` on a free port of 127.0.0.1 (systemd collector off). Ready on `/metrics`. */
export function startNodeExporter(options: NodeExporterOptions = {}): Promise<RunningServer> {
  return startServer({
    command: 'prometheus-node-exporter',
    debianPackage: 'prometheus-node-exporter',
    files: () =>
      Object.fromEntries(
        Object.entries(options.textfiles ?? { 'testkit.prom': '' }).map(([k, v]) => [`textfile/${k}`, v]),
      ),
    args: ({ port, dataDir }) => [
      `--web.listen-address=127.0.0.1:${port}`,
      `--collector.textfile.directory=${dataDir}/textfile`,
      '--no-collector.systemd',
      ...(options.extraArgs ?? []),
    ],
    readyPath: '/metrics',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Options of {@link startVictoriaMetrics}. */
export interface VictoriaMetricsOptions {
  /** Extra flags, e.g. `-dedup.minScrapeInterval=1s`. */
  extraArgs?: readonly string[];
  /** Listen on this port instead of a free one (to restart a server where its clients expect it). */
  port?: number;
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * Starts Debian's single-node `victoria-metrics` on a free port of 127.0.0.1: remote-write receiver at
 * `/api/v1/write`, Prometheus query API at `/api/v1/query(_range)`. Ingested samples become searchable after an
 * in-memory flush: `POST /internal/force_flush` before reading back.
 * @example
 * const vm = await startVictoriaMetrics();
 */
export function startVictoriaMetrics(options: VictoriaMetricsOptions = {}): Promise<RunningServer> {
  return startServer({
    command: 'victoria-metrics',
    debianPackage: 'victoria-metrics',
    args: ({ port, dataDir }) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}/data`,
      '-retentionPeriod=10y',
      ...(options.extraArgs ?? []),
    ],
    readyPath: '/health',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}

/** Options of {@link startNats}. */
export interface NatsServerOptions {
  /** Listen here instead of a free port: give the old server's port to restart it where clients expect it. */
  port?: number;
  /** JetStream store directory to use and keep (the old server's, to restart it over its streams). */
  dataDir?: string;
  extraArgs?: readonly string[];
  /** @default 15000 */
  timeoutMs?: number;
}

/**
 * Starts Debian's `nats-server` with JetStream (`-js`) on 127.0.0.1; its monitor port (`/healthz`, readiness) is
 * a second free port. Connect clients to `nats://127.0.0.1:<port>`. Restart it with the same `port` and `dataDir`
 * to test what survives a nats-server restart.
 * @example
 * const nats = await startNats();
 */
export async function startNats(options: NatsServerOptions = {}): Promise<RunningServer> {
  const monitor = await freePort();
  return startServer({
    command: 'nats-server',
    debianPackage: 'nats-server',
    args: ({ port, dataDir }) => [
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-m',
      String(monitor),
      '-js',
      '-sd',
      `${dataDir}/js`,
      ...(options.extraArgs ?? []),
    ],
    readyCheck: async () => {
      try {
        return (await fetch(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`)).ok;
      } catch {
        return false;
      }
    },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
}
