import { checkTimeRange, timeIntervalChecks } from './am-time-check.js';
import { checkAmUrl, checkGoDuration, checkHostPort, LABEL_NAME, promDurationMs } from './am-values.js';

type Obj = Record<string, unknown>;
type Report = (key: string | undefined, message: string, severity?: 'error' | 'warning') => void;

/** Scalar checks per field kind. */
export const checkValues: Record<string, (s: string) => void> = {
  duration: (s) => void promDurationMs(s),
  goDuration: checkGoDuration,
  url: (s) => checkAmUrl(s),
  secretUrl: (s) => s === '<secret>' || checkAmUrl(s),
  anyUrl: (s) => checkAmUrl(s, false),
  hostPort: checkHostPort,
  tlsVersion: (s) => {
    if (!['TLS10', 'TLS11', 'TLS12', 'TLS13'].includes(s))
      throw new Error(`unknown TLS version: ${s}; use TLS12 or TLS13`);
  },
};

const set = (o: Obj, k: string): boolean => o[k] !== undefined && o[k] !== '';
/** `at most one of a & b` (Alertmanager's wording). */
const exclusive = (o: Obj, r: Report, a: string, b: string): void => {
  if (set(o, a) && set(o, b)) r(b, `at most one of ${a} & ${b} must be configured`);
};

function route(o: Obj, r: Report): void {
  for (const k of Object.keys((o['match'] ?? {}) as Obj))
    if (!LABEL_NAME.test(k)) r('match', `invalid label name "${k}"`);
  for (const k of Object.keys((o['match_re'] ?? {}) as Obj))
    if (!LABEL_NAME.test(k)) r('match_re', `invalid label name "${k}"`);
  const groupBy = (o['group_by'] ?? []) as (string | undefined)[];
  const seen = new Set<string>();
  for (const l of groupBy) {
    if (l === '...') continue;
    if (l === undefined || !LABEL_NAME.test(l))
      r('group_by', `invalid label name "${l ?? ''}" in group_by list`);
    else if (seen.has(l)) r('group_by', `duplicated label "${l}" in group_by`);
    else seen.add(l);
  }
  if (groupBy.includes('...') && seen.size > 0)
    r('group_by', 'cannot have wildcard group_by (`...`) and other labels at the same time');
  for (const k of ['group_interval', 'repeat_interval']) {
    const v = o[k] as string | undefined;
    if (v !== undefined && safeMs(v) === 0) r(k, `${k} cannot be zero`);
  }
}

const safeMs = (s: string): number | undefined => {
  try {
    return promDurationMs(s);
  } catch {
    return undefined;
  }
};

function inhibitRule(o: Obj, r: Report): void {
  for (const k of ['source_match', 'target_match', 'source_match_re', 'target_match_re'])
    for (const l of Object.keys((o[k] ?? {}) as Obj))
      if (!LABEL_NAME.test(l)) r(k, `invalid label name "${l}"`);
  for (const l of (o['equal'] ?? []) as string[])
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l ?? '')) r('equal', `"${l}" is not a valid label name`);
}

function httpConfig(o: Obj, r: Report): void {
  exclusive(o, r, 'bearer_token', 'bearer_token_file');
  const bearer = set(o, 'bearer_token') || set(o, 'bearer_token_file');
  const basic = o['basic_auth'] as Obj | undefined;
  const auth = o['authorization'] as Obj | undefined;
  const oauth2 = o['oauth2'] as Obj | undefined;
  if ((basic || oauth2) && bearer)
    r(
      'bearer_token',
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
  if (basic && set(basic, 'password') && set(basic, 'password_file'))
    r('basic_auth', 'at most one of basic_auth password & password_file must be configured');
  if (auth) {
    if (bearer) r('authorization', 'authorization is not compatible with bearer_token & bearer_token_file');
    if (set(auth, 'credentials') && set(auth, 'credentials_file'))
      r('authorization', 'at most one of authorization credentials & credentials_file must be configured');
    if (
      String(auth['type'] ?? '')
        .trim()
        .toLowerCase() === 'basic'
    )
      r('authorization', 'authorization type cannot be set to "basic", use "basic_auth" instead');
    if (basic || oauth2)
      r('authorization', 'at most one of basic_auth, oauth2 & authorization must be configured');
  }
  if (oauth2) {
    if (basic) r('oauth2', 'at most one of basic_auth, oauth2 & authorization must be configured');
    if (!set(oauth2, 'client_id')) r('oauth2', 'oauth2 client_id must be configured');
    if (!set(oauth2, 'client_secret') && !set(oauth2, 'client_secret_file'))
      r('oauth2', 'either oauth2 client_secret or client_secret_file must be configured');
    if (!set(oauth2, 'token_url')) r('oauth2', 'oauth2 token_url must be configured');
    if (set(oauth2, 'client_secret') && set(oauth2, 'client_secret_file'))
      r('oauth2', 'at most one of oauth2 client_secret & client_secret_file must be configured');
  }
}

function timeInterval(o: Obj, r: Report): void {
  const guard = (key: string, f: () => void): void => {
    try {
      f();
    } catch (err) {
      r(key, (err as Error).message);
    }
  };
  for (const t of (o['times'] ?? []) as (Obj | undefined)[])
    guard('times', () =>
      checkTimeRange(t?.['start_time'] as string | undefined, t?.['end_time'] as string | undefined),
    );
  for (const [key, check] of Object.entries(timeIntervalChecks)) {
    const v = o[key];
    for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) guard(key, () => check(String(x)));
  }
}

const named = (what: string) => (o: Obj, r: Report) => {
  if (!set(o, 'name')) r(undefined, `missing name in ${what}`);
};

/** Checks of one struct after its fields are read (the UnmarshalYAML methods of Alertmanager 0.25). */
export const STRUCT_RULES: Record<string, (o: Obj, r: Report) => void> = {
  route,
  inhibit_rule: inhibitRule,
  http_config: httpConfig,
  time_interval: timeInterval,
  receiver: named('receiver'),
  time_interval_named: named('time interval'),
  global: (o, r) => {
    exclusive(o, r, 'slack_api_url', 'slack_api_url_file');
    exclusive(o, r, 'opsgenie_api_key', 'opsgenie_api_key_file');
    exclusive(o, r, 'victorops_api_key', 'victorops_api_key_file');
    exclusive(o, r, 'smtp_auth_password', 'smtp_auth_password_file');
  },
  sigv4: (o, r) => {
    if (set(o, 'access_key') !== set(o, 'secret_key'))
      r(
        undefined,
        'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
      );
  },
  webex: (o, r) => {
    if (!set(o, 'room_id')) r(undefined, 'missing room_id on webex_config');
    if (!(o['http_config'] as Obj | undefined)?.['authorization'])
      r(undefined, 'missing webex_configs.http_config.authorization');
  },
  email: (o, r) => {
    if (!set(o, 'to')) r(undefined, 'missing to address in email config');
    const seen = new Set<string>();
    for (const h of Object.keys((o['headers'] ?? {}) as Obj)) {
      const canon = h
        .toLowerCase()
        .replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
      if (seen.has(canon)) r('headers', `duplicate header "${canon}" in email config`);
      seen.add(canon);
    }
  },
  pagerduty: (o, r) => {
    if (!['routing_key', 'service_key', 'routing_key_file', 'service_key_file'].some((k) => set(o, k)))
      r(undefined, 'missing service or routing key in PagerDuty config');
    exclusive(o, r, 'routing_key', 'routing_key_file');
    exclusive(o, r, 'service_key', 'service_key_file');
  },
  slack_action: (o, r) => {
    if (!set(o, 'type')) r(undefined, 'missing type in Slack action configuration');
    if (!set(o, 'text')) r(undefined, 'missing text in Slack action configuration');
    if (!set(o, 'url') && !set(o, 'name')) r(undefined, 'missing name or url in Slack action configuration');
  },
  slack_confirm: (o, r) => {
    if (!set(o, 'text')) r(undefined, 'missing text in Slack confirmation configuration');
  },
  slack_field: (o, r) => {
    if (!set(o, 'title')) r(undefined, 'missing title in Slack field configuration');
    if (!set(o, 'value')) r(undefined, 'missing value in Slack field configuration');
  },
  slack: (o, r) => exclusive(o, r, 'api_url', 'api_url_file'),
  webhook: (o, r) => {
    exclusive(o, r, 'url', 'url_file');
    if (!set(o, 'url') && !set(o, 'url_file')) r(undefined, 'missing URL in webhook config');
  },
  wechat: (o, r) => {
    const t = (o['message_type'] as string | undefined) || 'text';
    if (!/^(text|markdown)$/.test(t))
      r('message_type', `weChat message type "${t}" does not match valid options text, markdown`);
  },
  opsgenie: (o, r) => {
    exclusive(o, r, 'api_key', 'api_key_file');
    for (const x of (o['responders'] ?? []) as (Obj | undefined)[]) {
      const resp = x ?? {};
      if (!set(resp, 'id') && !set(resp, 'username') && !set(resp, 'name'))
        r(
          'responders',
          'opsGenieConfig responder has to have at least one of id, username or name specified',
        );
      const type = String(resp['type'] ?? '');
      if (!type.includes('{{') && !/^(team|teams|user|escalation|schedule)$/.test(type.toLowerCase()))
        r(
          'responders',
          `opsGenieConfig responder type "${type}" does not match valid options team, teams, user, escalation, schedule`,
        );
    }
  },
  victorops: (o, r) => {
    if (!set(o, 'routing_key')) r(undefined, 'missing Routing key in VictorOps config');
    exclusive(o, r, 'api_key', 'api_key_file');
    const reserved = [
      'routing_key',
      'message_type',
      'state_message',
      'entity_display_name',
      'monitoring_tool',
      'entity_id',
      'entity_state',
    ];
    for (const k of Object.keys((o['custom_fields'] ?? {}) as Obj))
      if (reserved.includes(k))
        r(
          'custom_fields',
          `victorOps config contains custom field ${k} which cannot be used as it conflicts with the fixed/static fields`,
        );
  },
  pushover: (o, r) => {
    if (!set(o, 'user_key')) r(undefined, 'missing user key in Pushover config');
    if (!set(o, 'token')) r(undefined, 'missing token in Pushover config');
  },
  sns: (o, r) => {
    const n = ['target_arn', 'topic_arn', 'phone_number'].map((k) => !set(o, k));
    // Go's (a == "") != (b == "") != (c == "") is the condition of the error: none or two of the three set
    if ((n[0] !== n[1]) !== n[2])
      r(undefined, 'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
  },
  telegram: (o, r) => {
    if (!set(o, 'bot_token') && !set(o, 'bot_token_file'))
      r(undefined, 'missing bot_token on telegram_config');
    exclusive(o, r, 'bot_token', 'bot_token_file');
    if (!o['chat_id']) r(undefined, 'missing chat_id on telegram_config');
    const mode = (o['parse_mode'] as string | undefined) ?? '';
    if (!['', 'Markdown', 'MarkdownV2', 'HTML'].includes(mode))
      r(
        'parse_mode',
        'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
      );
  },
  discord: (o, r) => exclusive(o, r, 'webhook_url', 'webhook_url_file'),
  msteams: (o, r) => teams(o, r),
  msteamsv2: (o, r) => teams(o, r),
};

function teams(o: Obj, r: Report): void {
  exclusive(o, r, 'webhook_url', 'webhook_url_file');
  if (!set(o, 'webhook_url') && !set(o, 'webhook_url_file'))
    r(undefined, 'one of webhook_url or webhook_url_file must be configured');
}
