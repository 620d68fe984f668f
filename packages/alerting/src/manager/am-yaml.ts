import { isAbsolute, resolve } from 'node:path';
import { ArgusError } from '@argus/core';
import { parseDuration } from '../duration.js';
import { checkAlertmanagerConfig } from './am-config.js';
import type { AlertManagerConfig, InhibitRuleConfig, ReceiverConfig, RouteConfig } from './config.js';
import { createHttpClient, httpClientConfigFromAlertmanager } from './http-client.js';
import type { LegacyNotifier, Notifier } from './model.js';
import type { TimeRangeSpec } from './time-intervals.js';
import { webhookNotifier } from './webhook.js';
import { withHttpClient } from './with-http-client.js';

/** Builds a notifier from one entry of a receiver's `<type>_configs` list (snake_case, as in alertmanager.yml). */
export type IntegrationFactory = (
  config: Record<string, unknown>,
  global: Record<string, unknown>,
) => Notifier | LegacyNotifier;

/** Options of {@link loadAlertmanagerConfig}. */
export interface LoadAlertmanagerConfigOptions {
  /**
   * Factories per integration key (`slack_configs`, `pagerduty_configs`, …); `webhook_configs` is built in.
   * @argus/notifiers exports `notifierIntegrations` with Slack, PagerDuty and Teams.
   */
  integrations?: Record<string, IntegrationFactory>;
  /** Named in errors. @default 'alertmanager.yml' */
  source?: string;
  /** Directory relative `*_file` paths are resolved from (the file's directory). */
  baseDir?: string;
}

type Obj = Record<string, unknown>;

const builtIn: Record<string, IntegrationFactory> = {
  webhook_configs: (c) =>
    webhookNotifier({
      url: String(c['url'] ?? ''),
      sendResolved: (c['send_resolved'] as boolean | undefined) ?? true,
      maxAlerts: (c['max_alerts'] as number | undefined) ?? 0,
    }),
};

/**
 * Reads an existing alertmanager.yml unchanged into an {@link AlertManagerConfig}: route tree (matchers, the old
 * match/match_re, group_by incl. `...`, timers, continue, mute/active time intervals), receivers, inhibit rules
 * (new and old forms) and time intervals (`time_intervals` and the older `mute_time_intervals`).
 */
export function loadAlertmanagerConfig(
  text: string,
  options: LoadAlertmanagerConfigOptions = {},
): AlertManagerConfig {
  const where = options.source ?? 'alertmanager.yml';
  const fail: Fail = (msg) => {
    throw new ArgusError('ERR_PIPELINE_CONFIG', `${where}: ${msg}`);
  };
  const check = checkAlertmanagerConfig(text, options.baseDir ? { baseDir: options.baseDir } : {});
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    fail(
      `${errors.length} problem(s) that amtool check-config also rejects:\n${errors.map((p) => `${where}:${p.line}:${p.col}: ${p.message}`).join('\n')}`,
    );
  const doc = check.config;
  const integrations = { ...builtIn, ...options.integrations };
  const intervals = [
    ...((doc['time_intervals'] ?? []) as Obj[]),
    ...((doc['mute_time_intervals'] ?? []) as Obj[]),
  ];
  return {
    route: readRoute(doc['route'] as Obj, 'route', fail),
    receivers: readReceivers(doc, integrations, options, fail),
    inhibitRules: ((doc['inhibit_rules'] ?? []) as Obj[]).map(readInhibitRule),
    timeIntervals: intervals.map((t) => ({
      name: String(t['name']),
      timeIntervals: ((t['time_intervals'] ?? []) as Obj[]).map(timeRange),
    })),
  };
}

type Fail = (msg: string) => never;

function readReceivers(
  doc: Obj,
  integrations: Record<string, IntegrationFactory>,
  options: LoadAlertmanagerConfigOptions,
  fail: Fail,
): ReceiverConfig[] {
  const global = (doc['global'] ?? {}) as Obj;
  return ((doc['receivers'] ?? []) as Obj[]).map((r, i) => {
    const at = `receivers[${i}] (${String(r['name'])})`;
    const notifiers: (Notifier | LegacyNotifier)[] = [];
    for (const [k, v] of Object.entries(r)) {
      if (k === 'name') continue;
      const make = integrations[k];
      if (!make)
        fail(
          `${at}: ${k} needs an integration; pass integrations (e.g. notifierIntegrations from @argus/notifiers)`,
        );
      for (const raw of (v ?? []) as Obj[]) {
        try {
          const c = options.baseDir ? (resolveFiles(raw, options.baseDir) as Obj) : raw;
          const http = httpClientConfigFromAlertmanager(c['http_config']);
          const client = http ? createHttpClient(http) : undefined;
          notifiers.push(withHttpClient(make!(c, global), client));
        } catch (err) {
          fail(`${at} ${k}: ${(err as Error).message}`);
        }
      }
    }
    return { name: String(r['name']), notifiers };
  });
}

/**
 * A copy of a receiver entry with every relative `*_file` path (secrets, `tls_config` files) resolved from
 * the config file's directory, where `checkAlertmanagerConfig` looks for them too.
 */
function resolveFiles(o: unknown, baseDir: string): unknown {
  if (Array.isArray(o)) return o.map((x) => resolveFiles(x, baseDir));
  if (!o || typeof o !== 'object') return o;
  return Object.fromEntries(
    Object.entries(o as Obj).map(([k, v]) =>
      k.endsWith('_file') && typeof v === 'string' && v !== '' && !isAbsolute(v)
        ? [k, resolve(baseDir, v)]
        : [k, resolveFiles(v, baseDir)],
    ),
  );
}

function readRoute(r: Obj, path: string, fail: Fail): RouteConfig {
  const dur = (k: string): number | undefined => {
    if (r[k] === undefined) return undefined;
    try {
      return parseDuration(String(r[k]), `${path}.${k}`);
    } catch (err) {
      return fail((err as Error).message);
    }
  };
  const out: Record<string, unknown> = {
    receiver: r['receiver'],
    matchers: r['matchers'],
    match: r['match'],
    matchRe: r['match_re'],
    groupBy: r['group_by'],
    groupWaitMs: dur('group_wait'),
    groupIntervalMs: dur('group_interval'),
    repeatIntervalMs: dur('repeat_interval'),
    continue: r['continue'],
    muteTimeIntervals: r['mute_time_intervals'],
    activeTimeIntervals: r['active_time_intervals'],
  };
  if (Array.isArray(r['routes'])) {
    out['routes'] = (r['routes'] as Obj[]).map((c, i) => readRoute(c, `${path}.routes[${i}]`, fail));
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as RouteConfig;
}

function readInhibitRule(r: Obj): InhibitRuleConfig {
  const pairs = (m: unknown, op: string): string[] =>
    Object.entries((m ?? {}) as Record<string, string>).map(([k, v]) => `${k}${op}${amQuote(v)}`);
  const list = (k: string): string[] => (r[k] as string[] | undefined) ?? [];
  return {
    sourceMatchers: [
      ...list('source_matchers'),
      ...pairs(r['source_match'], '='),
      ...pairs(r['source_match_re'], '=~'),
    ],
    targetMatchers: [
      ...list('target_matchers'),
      ...pairs(r['target_match'], '='),
      ...pairs(r['target_match_re'], '=~'),
    ],
    equal: list('equal'),
  };
}

function timeRange(t: Obj): TimeRangeSpec {
  const out: TimeRangeSpec = {};
  if (t['times']) {
    out.times = (t['times'] as Obj[]).map((x) => ({
      startTime: String(x['start_time']),
      endTime: String(x['end_time']),
    }));
  }
  if (t['weekdays']) out.weekdays = (t['weekdays'] as unknown[]).map(String);
  if (t['days_of_month']) out.daysOfMonth = (t['days_of_month'] as unknown[]).map(String);
  if (t['months']) out.months = (t['months'] as unknown[]).map(String);
  if (t['years']) out.years = (t['years'] as unknown[]).map(String);
  if (t['location']) out.location = String(t['location']);
  return out;
}

/** Quotes a value for Alertmanager's matcher parser, which knows only the escapes `\\`, `\"` and `\n`. */
function amQuote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
