// `argus demo` and `argus run` serve @argus/server over the pipeline they run: the built CLI is spawned, the
// banner read, and the alert the pipeline raises is fetched from the API.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';
import { fetchUi, login, type Spawned, spawnCli, until } from './spawned.js';

interface AlertView {
  labels: Record<string, string>;
  state: string;
  status: { state: string };
}

let dir: string;
let proc: Spawned | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-live-server-'));
});
afterEach(() => {
  proc?.kill();
  proc = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function alerts(url: string, cookie: string): Promise<AlertView[]> {
  const res = await fetch(`${url}/api/alerts`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as AlertView[];
}

describe('argus demo', () => {
  it('serves the API over the demo pipeline: the first incident’s alert is listed, health is live', async () => {
    proc = spawnCli(['demo', '--json', '--listen', '127.0.0.1:0', '--quiet-findings']);
    const [line] = await proc.waitFor(/^\{"type":"banner".*$/m);
    const banner = JSON.parse(line) as {
      firstIncident: { alertname: string; service: string };
      server: { url: string; user: string; password: string; loginUrl: string };
    };
    const { url, user, password } = banner.server;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(url).port).not.toBe('0');
    const { cookie } = await login(url, user, password);
    const want = banner.firstIncident;
    const list = await until(
      () => alerts(url, cookie),
      (l) => l.some((a) => a.labels['alertname'] === want.alertname && a.labels['service'] === want.service),
    );
    expect(list.find((a) => a.labels['alertname'] === want.alertname)?.labels).toMatchObject({
      service: want.service,
    });
    // plugin health comes from the running pipeline, not a stand-in
    const plugins = (await (await fetch(`${url}/api/plugins`, { headers: { cookie } })).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(plugins)).toEqual(expect.arrayContaining(['workload', 'self', 'server:alerts']));
    // findings and series come from the demo's pipeline and store
    const get = async (path: string): Promise<unknown> =>
      (await fetch(`${url}${path}`, { headers: { cookie } })).json();
    const findings = (await get(
      `/api/findings?match=${encodeURIComponent(`{service="${want.service}"}`)}`,
    )) as unknown[];
    expect(findings.length).toBeGreaterThan(0);
    const q = (await get('/api/v1/query?query=queue_depth')) as { data: { result: unknown[] } };
    expect(q.data.result).toHaveLength(3);
    expect((await fetch(`${url}/-/ready`)).status).toBe(200);
    // without credentials the API refuses
    expect((await fetch(`${url}/api/alerts`)).status).toBe(401);
    // the one-time login link of the banner starts a session, once
    const link = await fetch(banner.server.loginUrl, { redirect: 'manual' });
    expect(link.status).toBe(303);
    const linked = link.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/api/alerts`, { headers: { cookie: linked } })).status).toBe(200);
    expect((await fetch(banner.server.loginUrl, { redirect: 'manual' })).status).toBe(401);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    await expect(fetch(`${url}/-/healthy`)).rejects.toThrow();
  }, 90_000);

  it('--no-server serves nothing and prints no URL', async () => {
    const io = captureIo();
    expect(await main(['demo', '--duration', '1', '--no-server'], io)).toBe(0);
    expect(io.out).toContain('argus demo: watching this process');
    expect(io.out).not.toContain('http://');
  }, 30_000);
});

/** A config whose pipeline raises QueueBacklog a few seconds after start. */
function config(extra: string): string {
  const at = Date.now() + 4_000;
  return `sources:
  - use: synthetic
    intervalMs: 1000
    options:
      stepMs: 1000
      backfillMs: 60000
      series:
        - labels: { __name__: queue_depth, service: payments }
          base: 20
          noise: 2
          anomalies: [{ kind: levelShift, magnitude: 60, durationMs: 600000, at: ${at} }]
detectors:
  - use: ensemble
    options: { warmupSamples: 30, calibrationSamples: 10, suppressSamples: 0, rangeTolerance: null, minScore: 0.6 }
alerters:
  - use: score-threshold
    options: { forPoints: 2, alertnames: { queue_depth: QueueBacklog } }
pipeline:
  dataDir: ${JSON.stringify(join(dir, 'data'))}
${extra}`;
}

describe('argus run with a server: block', () => {
  it('serves the API over the running pipeline, with a first admin printed once', async () => {
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, config('server:\n  listen: 127.0.0.1:0\n  ui: false\n'));
    proc = spawnCli(['run', file]);
    const [, url] = await proc.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\//);
    const [, password] = await proc.waitFor(/log in as admin with the one-time password (\S+)/);
    const { cookie } = await login(url!, 'admin', password!);
    await until(
      () => alerts(url!, cookie),
      (l) => l.some((a) => a.labels['alertname'] === 'QueueBacklog' && a.labels['service'] === 'payments'),
    );
    // /metrics is public by default, as Prometheus serves its own, and carries the pipeline's plugins
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^argus_pipeline_running 1$/m);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  }, 90_000);

  it('auth.metrics: read puts /metrics behind a viewer token', async () => {
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, config('server:\n  listen: 127.0.0.1:0\n  ui: false\n  auth: { metrics: read }\n'));
    proc = spawnCli(['run', file]);
    const [, url] = await proc.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\//);
    const [, password] = await proc.waitFor(/log in as admin with the one-time password (\S+)/);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const { cookie } = await login(url!, 'admin', password!);
    expect((await fetch(`${url}/metrics`, { headers: { cookie } })).status).toBe(200);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  }, 90_000);

  it('/api/v1/rules lists the rules: block’s rules running in process, and a reload’s new ones', async () => {
    const rule = (name: string, expr: string): string =>
      `groups:\n  - name: queue\n    interval: 1s\n    rules:\n      - alert: ${name}\n        expr: ${expr}\n` +
      `        labels: { severity: page }\n`;
    writeFileSync(join(dir, 'rules.yml'), rule('QueueDeep', 'queue_depth > 0'));
    const file = join(dir, 'argus.yaml');
    writeFileSync(
      file,
      config('server:\n  listen: 127.0.0.1:0\n  ui: false\nrules:\n  files: [rules.yml]\n'),
    );
    proc = spawnCli(['run', file]);
    const [, url] = await proc.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\//);
    const [, password] = await proc.waitFor(/log in as admin with the one-time password (\S+)/);
    const { cookie } = await login(url!, 'admin', password!);
    interface RulesAnswer {
      data: { groups: { name: string; rules: { name: string; query: string; type: string }[] }[] };
    }
    const rules = async (): Promise<RulesAnswer['data']['groups']> => {
      const res = await fetch(`${url}/api/v1/rules?type=alert`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return ((await res.json()) as RulesAnswer).data.groups;
    };
    expect(await rules()).toEqual([
      expect.objectContaining({
        name: 'queue',
        rules: [expect.objectContaining({ name: 'QueueDeep', query: 'queue_depth > 0', type: 'alerting' })],
      }),
    ]);
    // the rule runs in process: its alert fires over the pipeline's series and /api/v1/alerts shows it
    await until(
      async () =>
        (
          (await (await fetch(`${url}/api/v1/alerts`, { headers: { cookie } })).json()) as {
            data: { alerts: { labels: Record<string, string>; state: string }[] };
          }
        ).data.alerts,
      (l) => l.some((a) => a.labels['alertname'] === 'QueueDeep' && a.state === 'firing'),
    );
    // a reload's groups replace the old ones
    writeFileSync(join(dir, 'rules.yml'), rule('QueueHuge', 'queue_depth > 1000'));
    proc.child.kill('SIGHUP');
    await proc.waitFor(/argus: reloaded /);
    expect((await rules())[0]?.rules.map((r) => r.name)).toEqual(['QueueHuge']);
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
  }, 90_000);

  it('a bad server: block is a located config problem, and nothing starts', async () => {
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, config('server:\n  listen: localhost\n  colour: blue\n'));
    const io = captureIo();
    expect(await main(['validate', file], io)).toBe(1);
    expect(io.err).toMatch(/argus\.yaml:\d+:\d+ server\.listen: must be host:port/);
    expect(io.err).toMatch(/server.*colour/);
    writeFileSync(file, config('server:\n  alertmanagerConfig: missing.yml\n'));
    const io2 = captureIo();
    expect(await main(['run', file], io2)).toBe(1);
    expect(io2.err).toMatch(/server\.alertmanagerConfig: .*missing\.yml/);
    // loading the server's packages on a loaded machine can take seconds
  }, 30_000);
});

/** A config with one synthetic source named `name` (the plugin list shows which config is in force). */
function reloadable(name: string, extra = ''): string {
  return `sources:
  - use: synthetic
    intervalMs: 1000
    options:
      name: ${name}
      series:
        - labels: { __name__: queue_depth }
          base: 20
          noise: 2
pipeline:
  dataDir: ${JSON.stringify(join(dir, 'data'))}
server:
  listen: 127.0.0.1:0
${extra}`;
}

describe('argus run: reload on SIGHUP and POST /-/reload', () => {
  it('applies a good config, keeps the running one on a bad one, counts both, and serves the UI', async () => {
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, reloadable('first'));
    proc = spawnCli(['run', file]);
    const [, url] = await proc.waitFor(/web UI and API on (http:\/\/127\.0\.0\.1:\d+)\//);
    const [, password] = await proc.waitFor(/one-time password (\S+)/);
    const { cookie, csrf } = await login(url!, 'admin', password!);
    const plugins = async (): Promise<string[]> =>
      Object.keys((await (await fetch(`${url}/api/plugins`, { headers: { cookie } })).json()) as object);
    const metrics = async (): Promise<string> =>
      (await fetch(`${url}/metrics`, { headers: { cookie } })).text();
    expect(await plugins()).toContain('first');

    // the web UI is served at the server's port: the index and the script it loads
    expect(await fetchUi(url!)).toMatchObject({ index: 200, scriptStatus: 200, scriptType: /javascript/ });

    writeFileSync(file, reloadable('second'));
    proc.child.kill('SIGHUP');
    await proc.waitFor(/argus: reloaded /);
    expect(await plugins()).toEqual(expect.arrayContaining(['second']));
    expect(await plugins()).not.toContain('first');

    writeFileSync(file, reloadable('third').replace('use: synthetic', 'use: synthetik'));
    proc.child.kill('SIGHUP');
    await proc.waitFor(
      /reload of .* failed \(1 failed so far\); the running configuration stays:\n.*synthetik/,
    );
    expect(await plugins()).toContain('second');
    expect(await metrics()).toMatch(/argus_config_reload_failures_total 1\n/);
    expect(await metrics()).toMatch(/argus_config_last_reload_successful 0\n/);

    // POST /-/reload: a server-block change needs a restart (refused, 400), then a good file applies (200)
    const post = () =>
      fetch(`${url}/-/reload`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    writeFileSync(file, reloadable('fourth', '  ui: false\n'));
    expect((await post()).status).toBe(400);
    writeFileSync(file, reloadable('fifth'));
    expect((await post()).status).toBe(200);
    expect(await plugins()).toContain('fifth');
    const m = await metrics();
    expect(m).toMatch(/argus_config_reloads_total 4\n/);
    expect(m).toMatch(/argus_config_reload_failures_total 2\n/);
    expect(m).toMatch(/argus_config_last_reload_successful 1\n/);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 90_000);
});

describe('argus run: the Azure Monitor webhook on the server (server.azureAlerts)', () => {
  const TOKEN = 'azure-shared-secret-0123456789';
  const fired = readFileSync(join(import.meta.dirname, 'fixtures', 'azure-fired.json'), 'utf8');

  it('takes Common Alert Schema posts on the server’s own port and lists the alert; a wrong token gets 403', async () => {
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, reloadable('workload', '  ui: false\n  azureAlerts: {}\n'));
    proc = spawnCli(['run', file], { ARGUS_AZURE_TOKEN: TOKEN });
    const [, url] = await proc.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\//);
    const [, password] = await proc.waitFor(/one-time password (\S+)/);
    const post = (token: string) =>
      fetch(`${url}/azure/alerts?token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: fired,
      });
    expect((await post('wrong-token-wrong-token')).status).toBe(403);
    const ok = await post(TOKEN);
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ accepted: 1 });
    const { cookie } = await login(url!, 'admin', password!);
    const list = await until(
      () => alerts(url!, cookie),
      (l) => l.some((a) => a.labels['alertname'] === 'HighCPU'),
    );
    expect(list.find((a) => a.labels['alertname'] === 'HighCPU')?.labels).toMatchObject({
      resource_name: 'vm1',
    });
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    // the shared secret never reaches the output
    expect(proc.output()).not.toContain(TOKEN);
  }, 90_000);

  it('without the token in the environment the config is refused, naming the setting', async () => {
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, reloadable('workload', '  azureAlerts: { tokenEnv: ARGUS_TEST_NO_SUCH_TOKEN }\n'));
    const io = captureIo();
    expect(await main(['validate', file], io)).toBe(1);
    expect(io.err).toMatch(
      /argus\.yaml:\d+:\d+ server\.azureAlerts: set the environment variable ARGUS_TEST_NO_SUCH_TOKEN/,
    );
  }, 30_000);
});
