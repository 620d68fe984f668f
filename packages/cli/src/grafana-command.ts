// `argus grafana export --out <dir>` (provisioning files) and `argus grafana push` (through Grafana's HTTP API):
// dashboards generated for the series a running Argus (or a Prometheus scraping it) has.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  alertRulesFile,
  buildDashboards,
  type DashboardGroup,
  grafanaAlertRules,
  type PromRuleFile,
  provisioningFiles,
  pushDashboards,
} from '@argus/sink-grafana';
import { parse } from 'yaml';
import type { Io } from './format.js';

/** What the `grafana` subcommands take. */
export interface GrafanaFlags {
  /** `export`: the directory to write. */
  out?: string | undefined;
  /** A Prometheus-compatible API (`argus serve`, Prometheus) to find the groups in; without it one dashboard for all. */
  from?: string | undefined;
  /** The label whose values make one dashboard each. @default 'job' */
  groupBy?: string | undefined;
  /** The data source URL Grafana queries (as seen from Grafana). @default 'http://argus:9090' */
  datasourceUrl?: string | undefined;
  /** `push`: Grafana's URL; the token comes from GRAFANA_TOKEN, never from the command line. */
  grafanaUrl?: string | undefined;
  overwrite?: boolean | undefined;
  /** `export`: Prometheus rule files whose alerting rules are also written as Grafana-managed alert rules. */
  rules?: string[] | undefined;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One group per value of `label` the API knows, or a single group for every series. */
async function groups(f: GrafanaFlags): Promise<DashboardGroup[]> {
  if (!f.from) return [{ name: 'all' }];
  const label = f.groupBy ?? 'job';
  if (!LABEL.test(label)) throw new Error(`--group-by must be a label name, got ${JSON.stringify(label)}`);
  const url = `${f.from.replace(/\/+$/, '')}/api/v1/label/${label}/values`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(`cannot reach ${new URL(f.from).host} (--from): ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { status?: string; data?: unknown };
  if (!res.ok || body.status !== 'success' || !Array.isArray(body.data)) {
    throw new Error(`--from ${new URL(f.from).host} answered ${res.status} to /api/v1/label/${label}/values`);
  }
  const values = (body.data as unknown[]).filter((v): v is string => typeof v === 'string');
  if (values.length === 0) return [{ name: 'all' }];
  return values.map((v) => ({ name: v, matchers: `${label}=${JSON.stringify(v)}` }));
}

/** The alerting rules of `--rules` files as Grafana's alert rule provisioning file; what was left out on stderr. */
function alertRules(
  files: readonly string[],
  datasourceUid: string,
  io: Io,
): { path: string; content: string } {
  const ruleFiles = files.map((f) => parse(readFileSync(f, 'utf8')) as PromRuleFile);
  const exported = grafanaAlertRules({ ruleFiles, datasourceUid });
  for (const s of exported.skipped) io.stderr(`argus: grafana: skipped ${s.rule}: ${s.reason}\n`);
  for (const w of exported.warnings) io.stderr(`argus: grafana: ${w}\n`);
  return alertRulesFile(exported);
}

/** `argus grafana export|push`. */
export async function grafanaCommand(sub: string | undefined, f: GrafanaFlags, io: Io): Promise<number> {
  if (sub !== 'export' && sub !== 'push') {
    io.stderr(
      'argus: grafana needs a subcommand: argus grafana export --out <dir> | argus grafana push --grafana-url <url>\n',
    );
    return 2;
  }
  const dashboards = buildDashboards({ groups: await groups(f) });
  if (sub === 'export') {
    if (!f.out) {
      io.stderr('argus: grafana export needs --out <dir>\n');
      return 2;
    }
    const datasource = { uid: 'argus', name: 'Argus', url: f.datasourceUrl ?? 'http://argus:9090' };
    const files = provisioningFiles(dashboards, { datasource });
    if (f.rules && f.rules.length > 0) files.push(alertRules(f.rules, datasource.uid, io));
    for (const file of files) {
      const path = join(resolve(f.out), file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
      io.stdout(`wrote ${path}\n`);
    }
    return 0;
  }
  const token = process.env['GRAFANA_TOKEN'];
  if (!f.grafanaUrl || !token) {
    io.stderr('argus: grafana push needs --grafana-url <url> and a service-account token in GRAFANA_TOKEN\n');
    return 2;
  }
  const results = await pushDashboards(dashboards, {
    url: f.grafanaUrl,
    token,
    overwrite: f.overwrite ?? false,
  });
  for (const r of results)
    io.stdout(
      `${r.status === 'saved' ? 'saved   ' : 'conflict'} ${r.uid}${r.version ? ` v${r.version}` : ''}${r.message ? `: ${r.message}` : ''}\n`,
    );
  return results.some((r) => r.status === 'conflict') ? 1 : 0;
}
