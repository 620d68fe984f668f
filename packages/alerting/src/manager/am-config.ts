import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createTemplates } from '@argus/template';
import { type ConfigProblem, Decoder, parseAmDocument } from './am-check.js';
import { INTEGRATIONS, STRUCTS } from './am-schema.js';
import { loadTemplateFiles } from './am-template-files.js';
import { alertmanagerFuncs } from './am-template-funcs.js';

type Obj = Record<string, unknown>;

/** Options of {@link checkAlertmanagerConfig}. */
export interface CheckAlertmanagerConfigOptions {
  /**
   * Directory relative `*_file` paths and `templates:` globs are read from (Alertmanager: the config file's).
   * Unset: neither is checked.
   */
  baseDir?: string;
}

/** The outcome of a check: every problem with its place, and the config with Alertmanager's defaults applied. */
export interface AlertmanagerConfigCheck {
  readonly problems: readonly ConfigProblem[];
  /** Whether `amtool check-config` 0.25 would accept the file (no `error` problem). */
  readonly ok: boolean;
  /** The decoded file, snake_case, with global defaults inherited into each receiver entry. */
  readonly config: Record<string, unknown>;
}

/** Alertmanager 0.25's `DefaultGlobalConfig()`. */
const GLOBAL_DEFAULTS: Obj = {
  resolve_timeout: '5m',
  smtp_hello: 'localhost',
  smtp_require_tls: true,
  pagerduty_url: 'https://events.pagerduty.com/v2/enqueue',
  opsgenie_api_url: 'https://api.opsgenie.com/',
  wechat_api_url: 'https://qyapi.weixin.qq.com/cgi-bin/',
  victorops_api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
  telegram_api_url: 'https://api.telegram.org',
  webex_api_url: 'https://webexapis.com/v1/messages',
};

/**
 * Checks alertmanager.yml text as `amtool check-config` 0.25 does (`config.Load`): unknown fields, value types,
 * matchers, URLs, mutually exclusive fields, required fields and global defaults, receiver and time interval names.
 * Every problem carries line and column; unlike amtool it does not stop at the first one.
 */
export function checkAlertmanagerConfig(
  text: string,
  options: CheckAlertmanagerConfigOptions = {},
): AlertmanagerConfigCheck {
  const { doc, lines, errors } = parseAmDocument(text);
  if (errors.length > 0) return { problems: errors, ok: false, config: {} };
  const d = new Decoder(doc, lines);
  const cfg = (d.decode(doc.contents, { struct: 'config' }, 'config') ?? {}) as Obj;
  const route = cfg['route'] as Obj | undefined;
  if (!route) d.report(doc.contents ?? undefined, 'no route provided in config; add a route with a receiver');
  else if (route['continue'] === true) d.reportAt(route, 'continue', 'cannot have continue in root route');
  const global = { ...GLOBAL_DEFAULTS, ...((cfg['global'] ?? {}) as Obj) };
  const receivers = ((cfg['receivers'] ?? []) as (Obj | undefined)[]).filter((r): r is Obj => !!r);
  if (options.baseDir) {
    missingFiles(d, cfg, options.baseDir);
    checkTemplateFiles(d, cfg, options.baseDir);
  }
  const names = new Set<string>();
  for (const rcv of receivers) {
    const name = String(rcv['name'] ?? '');
    if (names.has(name)) d.reportAt(rcv, 'name', `notification config name "${name}" is not unique`);
    names.add(name);
    for (const key of Object.keys(INTEGRATIONS))
      for (const entry of (rcv[key] ?? []) as (Obj | undefined)[])
        if (entry)
          inherit(key, entry, global, (m) =>
            d.reportAt(entry, undefined, `receivers "${name}" ${key}: ${m}`),
          );
  }
  if (route) checkRoute(d, route, names, timeIntervalNames(d, cfg), true);
  const problems = d.problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { problems, ok: !problems.some((p) => p.severity === 'error'), config: { ...cfg, global } };
}

/** Fills what an integration entry leaves unset from `global`, failing where Alertmanager does. */
function inherit(key: string, e: Obj, g: Obj, fail: (m: string) => void): void {
  const from = (k: string, gk: string, missing?: string): void => {
    if (e[k] !== undefined && e[k] !== '') return;
    if (g[gk] === undefined || g[gk] === '') {
      if (missing) fail(missing);
      return;
    }
    e[k] = g[gk];
  };
  /** An inline secret or its `_file` twin, inherited as a pair when the entry has neither. */
  const pair = (k: string, gk: string, missing: string): void => {
    if (e[k] || e[`${k}_file`]) return;
    if (!g[gk] && !g[`${gk}_file`]) fail(missing);
    from(k, gk);
    from(`${k}_file`, `${gk}_file`);
  };
  if (key !== 'email_configs' && e['http_config'] === undefined && g['http_config'])
    e['http_config'] = g['http_config'];
  switch (key) {
    case 'email_configs':
      from(
        'smarthost',
        'smtp_smarthost',
        'no global SMTP smarthost set; set smarthost here or global.smtp_smarthost',
      );
      from('from', 'smtp_from', 'no global SMTP from set; set from here or global.smtp_from');
      for (const [k, gk] of [
        ['hello', 'smtp_hello'],
        ['auth_username', 'smtp_auth_username'],
        ['auth_secret', 'smtp_auth_secret'],
        ['auth_identity', 'smtp_auth_identity'],
      ])
        from(k!, gk!);
      if (!e['auth_password'] && !e['auth_password_file']) {
        from('auth_password', 'smtp_auth_password');
        from('auth_password_file', 'smtp_auth_password_file');
      }
      if (e['require_tls'] === undefined) e['require_tls'] = g['smtp_require_tls'];
      return;
    case 'slack_configs':
      pair('api_url', 'slack_api_url', 'no global Slack API URL set either inline or in a file');
      return;
    case 'pagerduty_configs':
      from('url', 'pagerduty_url', 'no global PagerDuty URL set');
      return;
    case 'opsgenie_configs':
      from('api_url', 'opsgenie_api_url', 'no global OpsGenie URL set');
      pair('api_key', 'opsgenie_api_key', 'no global OpsGenie API Key set either inline or in a file');
      return;
    case 'wechat_configs':
      from('api_url', 'wechat_api_url', 'no global Wechat URL set');
      from('api_secret', 'wechat_api_secret', 'no global Wechat ApiSecret set');
      from('corp_id', 'wechat_api_corp_id', 'no global Wechat CorpID set');
      return;
    case 'victorops_configs':
      from('api_url', 'victorops_api_url', 'no global VictorOps URL set');
      pair('api_key', 'victorops_api_key', 'no global VictorOps API Key set');
      return;
    case 'telegram_configs':
      from('api_url', 'telegram_api_url');
      return;
    case 'discord_configs':
      if (!e['webhook_url'] && !e['webhook_url_file']) fail('no discord webhook URL provided');
      return;
    case 'webex_configs':
      from('api_url', 'webex_api_url', 'no global Webex URL set');
      return;
  }
}

function timeIntervalNames(d: Decoder, cfg: Obj): Set<string> {
  const names = new Set<string>();
  for (const [key, what] of [
    ['mute_time_intervals', 'mute time interval'],
    ['time_intervals', 'time interval'],
  ] as const)
    for (const ti of (cfg[key] ?? []) as (Obj | undefined)[]) {
      if (!ti) continue;
      const n = String(ti['name'] ?? '');
      if (names.has(n)) d.reportAt(ti, 'name', `${what} "${n}" is not unique`);
      names.add(n);
    }
  return names;
}

function checkRoute(d: Decoder, r: Obj, receivers: Set<string>, intervals: Set<string>, root: boolean): void {
  const has = (k: string): boolean => Object.keys((r[k] ?? {}) as Obj).length > 0;
  if (root) {
    if (!r['receiver']) d.reportAt(r, undefined, 'root route must specify a default receiver');
    if (has('match') || has('match_re') || has('matchers'))
      d.reportAt(r, undefined, 'root route must not have any matchers');
    if (has('mute_time_intervals'))
      d.reportAt(r, 'mute_time_intervals', 'root route must not have any mute time intervals');
    if (has('active_time_intervals'))
      d.reportAt(r, 'active_time_intervals', 'root route must not have any active time intervals');
  }
  const rcv = r['receiver'] as string | undefined;
  if (rcv && !receivers.has(rcv)) d.reportAt(r, 'receiver', `undefined receiver "${rcv}" used in route`);
  for (const k of ['mute_time_intervals', 'active_time_intervals'])
    for (const n of (r[k] ?? []) as string[])
      if (!intervals.has(n)) d.reportAt(r, k, `undefined time interval "${n}" used in route`);
  for (const c of (r['routes'] ?? []) as (Obj | undefined)[])
    if (c) checkRoute(d, c, receivers, intervals, false);
}

/**
 * The `templates:` files parsed as amtool check-config does (`template.FromGlobs`): a file that does not parse, or
 * calls a function Alertmanager does not have, fails the check; a glob matching nothing is no error.
 */
function checkTemplateFiles(d: Decoder, cfg: Obj, baseDir: string): void {
  const globs = cfg['templates'];
  if (!Array.isArray(globs) || globs.length === 0) return;
  let files: ReturnType<typeof loadTemplateFiles>;
  try {
    files = loadTemplateFiles(globs.map(String), baseDir);
  } catch (err) {
    d.reportAt(cfg, 'templates', `templates: ${(err as Error).message}`);
    return;
  }
  const set = createTemplates({ funcs: alertmanagerFuncs(), missingKey: 'zero' });
  for (const f of files) {
    try {
      set.parse(f.name, f.text);
    } catch (err) {
      d.reportAt(cfg, 'templates', `failed to parse template file ${f.name}: ${(err as Error).message}`);
    }
  }
}

/** `*_file` secrets are read when sending, as Alertmanager does: a missing one is only a warning here. */
function missingFiles(d: Decoder, o: unknown, baseDir: string): void {
  if (Array.isArray(o)) for (const x of o) missingFiles(d, x, baseDir);
  if (!o || typeof o !== 'object' || Array.isArray(o)) return;
  for (const [k, v] of Object.entries(o as Obj)) {
    if (k.endsWith('_file') && typeof v === 'string' && v !== '') {
      const path = isAbsolute(v) ? v : join(baseDir, v);
      if (!existsSync(path))
        d.reportAt(
          o,
          k,
          `${k} ${JSON.stringify(v)} does not exist (yet); it is read when sending`,
          'warning',
        );
    } else missingFiles(d, v, baseDir);
  }
}

/** The fields Argus accepts beyond Alertmanager 0.25, `struct.field`, for the docs and the corpus test. */
export function newerFields(): string[] {
  return Object.entries(STRUCTS).flatMap(([s, spec]) => (spec.newer ?? []).map((f) => `${s}.${f}`));
}
