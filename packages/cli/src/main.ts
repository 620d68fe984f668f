import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_LISTEN, DEFAULT_RETENTION } from './defaults.js';
import type { Io } from './format.js';

// Each command's code (and the packages it needs: the server, Grafana's SDK, the PromQL engine, …) is loaded only
// when that command runs, so `argus --help` or `argus validate` do not pay for all of them at start-up.
const load = {
  backtest: () => import('./backtest-command.js'),
  checkConfig: () => import('./check-config.js'),
  checkRules: () => import('./check-rules.js'),
  commands: () => import('./commands.js'),
  demo: () => import('./demo.js'),
  grafana: () => import('./grafana-command.js'),
  promql: () => import('./promql-commands.js'),
  server: () => import('./server-command.js'),
  slo: () => import('./slo-command.js'),
};

const HELP = `Usage: argus <command> [options]

Commands:
  demo                 Watch this process and a synthetic workload with injected incidents
  run <config>         Run the pipeline a config file describes (.yaml, .yml, .json, .ts, .js, .mjs)
  validate <config>    Check a config file without starting anything
  check rules <files…> Check Prometheus rule files as promtool check rules 2.42 does (exit 1 when one is invalid)
  check config <alertmanager.yml>
                       Check an Alertmanager config as amtool check-config 0.25 does (exit 1 when invalid)
  import openmetrics <file>
                       Backfill --data-dir from an OpenMetrics text file (all or nothing)
  serve                Serve Prometheus's HTTP query API (/api/v1/…) over --data-dir
  grafana export|push  Grafana dashboards: provisioning files (--out <dir>) or a push (--grafana-url <url>,
                       token in GRAFANA_TOKEN; --overwrite to replace); --from <url> --group-by <label>
                       makes one dashboard per label value; --datasource-url <url> (export);
                       --rules <file> (export, repeatable) adds the rules as Grafana-managed alert rules
  backtest <rules.yml> | --expr <e>
                       Run a rule file or one expression over the history in --data-dir
                       (with --api: the whole Argus API with auth; see docs/server.md)
  slo generate <slo.yaml>
                       Print the rules an SLO file declares (burn-rate alerts) as a Prometheus rule file
                       (--out <file> writes it instead)
  users add <name>     Add a local user of \`serve --api\` (--admin or --role <role>; password from
                       ARGUS_PASSWORD, else a one-time password is printed)

Options:
  -h, --help           Show this help
  -v, --version        Show the version

demo options:
  --duration <s>       Stop after this many seconds (default: until Ctrl-C)
  --seed <n>           Seed of the synthetic workload (default: 1)
  --json               One JSON object per line
  --quiet-findings     Print alerts only, not every finding
  --no-server          Do not serve the API and web UI (default: on 127.0.0.1:9093, or a free port if taken)
  --listen <host:port> Where the demo's API and web UI listen
  --incident-duration <s>
                       Make every injected incident last this long (default: 10-20 s by scenario)

run options:
  --duration <s>       Stop after this many seconds (default: until Ctrl-C)

import and serve options:
  --data-dir <dir>     The store's data directory (required)
  --retention <d>      Raw retention, a duration such as 15d (default: ${DEFAULT_RETENTION}); use the same for both
  --listen <host:port> serve only: where to listen (default: ${DEFAULT_LISTEN}, loopback;
                       0.0.0.0:<port> for all interfaces)
  --rules <file>       serve only: run this Prometheus rule file in process (repeatable); see /api/v1/rules

backtest options (and --data-dir, --retention):
  --from <t> --to <t>  RFC 3339, Unix seconds or now-<n><s|m|h|d|w> (default: now-1h to now)
  --expr <e>           Backtest one expression as an alerting rule, at --step (default: 1m)
  --api                serve only: alerts, silences, Alertmanager's API v2, events, auth
  --alertmanager-config <file>
                       serve --api only: the alertmanager.yml in force (SIGHUP or POST /-/reload re-reads it)
  --tls-cert <file> --tls-key <file>
                       serve --api only: HTTPS with this PEM certificate and key (session cookies get Secure)
  --no-ui              serve --api and demo: the API without the web UI at /
  --ui-root <dir>      serve --api: a built web UI folder (default: the installed @argus/ui; env ARGUS_UI_ROOT)
  --oidc-config <file> serve --api only: OIDC login; a YAML file with the fields of server.auth.oidc
                       (issuer, clientId, clientSecretEnv | clientSecretFile, redirectUri, roles, …)
`;

/** The process's stdio as an {@link Io}; colour only on a TTY without NO_COLOR. */
export function processIo(): Io {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined,
    tty: process.stderr.isTTY === true,
  };
}

/** The CLI version, from its package.json. */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  duration: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  'quiet-findings': { type: 'boolean' },
  'incident-duration': { type: 'string' },
  'data-dir': { type: 'string' },
  retention: { type: 'string' },
  listen: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  'group-by': { type: 'string' },
  'datasource-url': { type: 'string' },
  'grafana-url': { type: 'string' },
  overwrite: { type: 'boolean' },
  rules: { type: 'string', multiple: true },
  expr: { type: 'string' },
  to: { type: 'string' },
  step: { type: 'string' },
  api: { type: 'boolean' },
  'alertmanager-config': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  admin: { type: 'boolean' },
  role: { type: 'string' },
  'no-server': { type: 'boolean' },
  'no-ui': { type: 'boolean' },
  'ui-root': { type: 'string' },
  'oidc-config': { type: 'string' },
} as const;

function number(name: string, raw: string | undefined, io: Io): number | undefined | null {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) {
    io.stderr(`argus: --${name} must be a non-negative number, got ${JSON.stringify(raw)}\n`);
    return null;
  }
  return n;
}

/**
 * Runs the CLI with `argv` (without node and script). Resolves with the exit code: 0 ok, 1 failure
 * (invalid config, pipeline error), 2 usage error.
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch (err) {
    io.stderr(`argus: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.version) {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (v.help || command === 'help' || command === undefined) {
    (command === undefined && !v.help ? io.stderr : io.stdout)(HELP);
    return command === undefined && !v.help ? 2 : 0;
  }
  const durationS = number('duration', v.duration, io);
  const seed = number('seed', v.seed, io);
  const incidentS = number('incident-duration', v['incident-duration'], io);
  if (durationS === null || seed === null || incidentS === null) return 2;
  try {
    if (command === 'grafana') {
      if (extra.length > 0) return usage(io, `unexpected argument ${JSON.stringify(extra[0])}`);
      const g = { out: v.out, from: v.from, groupBy: v['group-by'], datasourceUrl: v['datasource-url'] };
      return await (await load.grafana()).grafanaCommand(
        file,
        { ...g, grafanaUrl: v['grafana-url'], overwrite: v.overwrite, rules: v.rules },
        io,
      );
    }
    return await dispatch(
      command,
      file,
      extra,
      {
        durationS,
        seed,
        incidentS,
        json: v.json,
        quiet: v['quiet-findings'],
        dataDir: v['data-dir'],
        retention: v.retention ?? DEFAULT_RETENTION,
        listen: v.listen ?? DEFAULT_LISTEN,
        rules: v.rules ?? [],
        expr: v.expr,
        from: v.from,
        to: v.to,
        step: v.step,
        api: v.api,
        alertmanagerConfig: v['alertmanager-config'],
        tlsCert: v['tls-cert'],
        tlsKey: v['tls-key'],
        role: v.admin ? 'admin' : v.role,
        listenGiven: v.listen,
        server: !v['no-server'],
        ui: !v['no-ui'],
        uiRoot: v['ui-root'],
        oidcConfig: v['oidc-config'],
        out: v.out,
      },
      io,
    );
  } catch (err) {
    io.stderr(`argus: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

interface Flags {
  durationS: number | undefined;
  incidentS?: number | undefined;
  seed: number | undefined;
  json: boolean | undefined;
  quiet: boolean | undefined;
  dataDir: string | undefined;
  retention: string;
  listen: string;
  rules: string[];
  expr: string | undefined;
  from: string | undefined;
  to: string | undefined;
  step: string | undefined;
  api?: boolean | undefined;
  alertmanagerConfig?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  role?: string | undefined;
  listenGiven?: string | undefined;
  server?: boolean;
  ui?: boolean;
  uiRoot?: string | undefined;
  oidcConfig?: string | undefined;
  out?: string | undefined;
}

async function dispatch(
  command: string,
  file: string | undefined,
  extra: string[],
  f: Flags,
  io: Io,
): Promise<number> {
  if (command === 'import') {
    if (file !== 'openmetrics' || extra.length !== 1)
      return usage(io, 'import needs a format and a file: argus import openmetrics <file> --data-dir <dir>');
    if (f.dataDir === undefined) return usage(io, 'import needs --data-dir <dir>');
    return (await load.promql()).importCommand(extra[0]!, { dataDir: f.dataDir, retention: f.retention }, io);
  }
  if (command === 'check') {
    if (file === 'config') return (await load.checkConfig()).checkConfigCommand(extra, io);
    if (file !== 'rules' || extra.length === 0)
      return usage(
        io,
        'check needs what to check: argus check rules <files…> or argus check config <alertmanager.yml>',
      );
    return (await load.checkRules()).checkRulesCommand(extra, io);
  }
  if (command === 'slo') {
    if (file !== 'generate' || extra.length !== 1)
      return usage(io, 'slo needs an SLO file: argus slo generate <slo.yaml> [--out <rules.yml>]');
    return (await load.slo()).sloCommand(extra[0]!, { out: f.out }, io);
  }
  if (command === 'users') {
    if (file !== 'add' || extra.length !== 1 || f.dataDir === undefined || f.role === undefined)
      return usage(
        io,
        'users add needs a name, a role and the data directory: argus users add <name> --admin --data-dir <dir>',
      );
    return (await load.server()).usersAddCommand(extra[0]!, { dataDir: f.dataDir, role: f.role }, io);
  }
  if (extra.length > 0) return usage(io, `unexpected argument ${JSON.stringify(extra[0])}`);
  switch (command) {
    case 'serve':
      if (file !== undefined) return usage(io, `serve takes no argument, got ${JSON.stringify(file)}`);
      if (f.dataDir === undefined) return usage(io, 'serve needs --data-dir <dir>');
      if (f.oidcConfig !== undefined && !f.api)
        return usage(
          io,
          '--oidc-config logs in to the Argus API: add --api (serve --api --oidc-config <file>)',
        );
      if (f.api)
        return (await load.server()).serveApiCommand(
          { ...f, dataDir: f.dataDir, retentionMs: (await load.promql()).retentionMs(f.retention) },
          io,
        );
      return (await load.promql()).serveCommand(
        { dataDir: f.dataDir, retention: f.retention, listen: f.listen, ruleFiles: f.rules },
        io,
      );
    case 'backtest':
      if (f.dataDir === undefined) return usage(io, 'backtest needs --data-dir <dir>');
      return (await load.backtest()).backtestCommand({ ...f, dataDir: f.dataDir, file }, io);
    case 'demo':
      if (file !== undefined) return usage(io, `demo takes no argument, got ${JSON.stringify(file)}`);
      return (await load.demo()).runDemo(
        {
          durationS: f.durationS,
          seed: f.seed ?? 1,
          incidentS: f.incidentS,
          json: f.json ?? false,
          quietFindings: f.quiet ?? false,
          server: f.server,
          listen: f.listenGiven,
          ui: f.ui,
        },
        io,
      );
    case 'run':
      if (file === undefined) return usage(io, 'run needs a config file: argus run <config.yaml>');
      return (await load.commands()).runConfig(file, { durationS: f.durationS }, io);
    case 'validate':
      if (file === undefined) return usage(io, 'validate needs a config file: argus validate <config.yaml>');
      return (await load.commands()).validateConfig(file, io);
    default:
      return usage(io, `unknown command ${JSON.stringify(command)}`);
  }
}

function usage(io: Io, message: string): number {
  io.stderr(`argus: ${message}\n\n${HELP}`);
  return 2;
}
