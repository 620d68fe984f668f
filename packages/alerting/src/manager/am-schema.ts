// The fields of every struct Alertmanager 0.25 reads from alertmanager.yml (config/config.go, config/notifiers.go,
// timeinterval, prometheus/common v0.38 http_config, common/sigv4 v0.1.0): yaml.v2's UnmarshalStrict rejects any
// other key. `newer` marks what Argus accepts beyond 0.25 (docs/alerting.md lists them).

/** How one field's value is read. */
export type Kind =
  | 'str' // any scalar (yaml.v2 turns numbers and booleans into their text)
  | 'bool'
  | 'int'
  | 'uint'
  | 'duration' // model.Duration
  | 'goDuration' // time.Duration text
  | 'url' // http(s) URL with a host
  | 'secretUrl' // the same, or `<secret>`
  | 'anyUrl' // url.Parse only (proxy_url)
  | 'hostPort'
  | 'tlsVersion'
  | 'strList'
  | 'strMap'
  | 'matchers'
  | 'regexMap'
  | { struct: string }
  | { list: string };

/** A struct: its fields, and the fields that only versions after 0.25 have. */
export interface StructSpec {
  fields: Record<string, Kind>;
  newer?: readonly string[];
}

const http: Kind = { struct: 'http_config' };
const notifier = (fields: Record<string, Kind>, newer?: string[]): StructSpec => ({
  fields: { send_resolved: 'bool', http_config: http, ...fields },
  ...(newer ? { newer } : {}),
});
const strs = (...names: string[]): Record<string, Kind> => Object.fromEntries(names.map((n) => [n, 'str']));

/** Receiver list keys and the struct of their entries. */
export const INTEGRATIONS: Record<string, string> = {
  discord_configs: 'discord',
  email_configs: 'email',
  pagerduty_configs: 'pagerduty',
  slack_configs: 'slack',
  webhook_configs: 'webhook',
  opsgenie_configs: 'opsgenie',
  wechat_configs: 'wechat',
  pushover_configs: 'pushover',
  victorops_configs: 'victorops',
  sns_configs: 'sns',
  telegram_configs: 'telegram',
  webex_configs: 'webex',
  msteams_configs: 'msteams',
  msteamsv2_configs: 'msteamsv2',
};

export const STRUCTS: Record<string, StructSpec> = {
  config: {
    fields: {
      global: { struct: 'global' },
      route: { struct: 'route' },
      inhibit_rules: { list: 'inhibit_rule' },
      receivers: { list: 'receiver' },
      templates: 'strList',
      mute_time_intervals: { list: 'time_interval_named' },
      time_intervals: { list: 'time_interval_named' },
    },
  },
  global: {
    fields: {
      resolve_timeout: 'duration',
      http_config: http,
      ...strs(
        'smtp_from',
        'smtp_hello',
        'smtp_auth_username',
        'smtp_auth_password',
        'smtp_auth_password_file',
      ),
      ...strs('smtp_auth_secret', 'smtp_auth_identity', 'slack_api_url_file', 'opsgenie_api_key'),
      ...strs('opsgenie_api_key_file', 'wechat_api_secret', 'wechat_api_corp_id', 'victorops_api_key'),
      victorops_api_key_file: 'str',
      smtp_smarthost: 'hostPort',
      smtp_require_tls: 'bool',
      slack_api_url: 'secretUrl',
      pagerduty_url: 'url',
      opsgenie_api_url: 'url',
      wechat_api_url: 'url',
      victorops_api_url: 'url',
      telegram_api_url: 'url',
      webex_api_url: 'url',
    },
  },
  route: {
    fields: {
      receiver: 'str',
      group_by: 'strList',
      match: 'strMap',
      match_re: 'regexMap',
      matchers: 'matchers',
      mute_time_intervals: 'strList',
      active_time_intervals: 'strList',
      continue: 'bool',
      routes: { list: 'route' },
      group_wait: 'duration',
      group_interval: 'duration',
      repeat_interval: 'duration',
    },
  },
  inhibit_rule: {
    fields: {
      source_match: 'strMap',
      source_match_re: 'regexMap',
      source_matchers: 'matchers',
      target_match: 'strMap',
      target_match_re: 'regexMap',
      target_matchers: 'matchers',
      equal: 'strList',
    },
  },
  receiver: {
    fields: {
      name: 'str',
      ...Object.fromEntries(Object.entries(INTEGRATIONS).map(([k, v]) => [k, { list: v }])),
    },
    newer: ['msteams_configs', 'msteamsv2_configs'],
  },
  time_interval_named: { fields: { name: 'str', time_intervals: { list: 'time_interval' } } },
  time_interval: {
    fields: {
      times: { list: 'time_range' },
      weekdays: 'strList',
      days_of_month: 'strList',
      months: 'strList',
      years: 'strList',
      location: 'str',
    },
  },
  time_range: { fields: strs('start_time', 'end_time') },
  http_config: {
    fields: {
      basic_auth: { struct: 'basic_auth' },
      authorization: { struct: 'authorization' },
      oauth2: { struct: 'oauth2' },
      bearer_token: 'str',
      bearer_token_file: 'str',
      proxy_url: 'anyUrl',
      tls_config: { struct: 'tls_config' },
      follow_redirects: 'bool',
      enable_http2: 'bool',
    },
  },
  basic_auth: { fields: strs('username', 'password', 'password_file') },
  authorization: { fields: strs('type', 'credentials', 'credentials_file') },
  oauth2: {
    fields: {
      ...strs('client_id', 'client_secret', 'client_secret_file', 'token_url'),
      scopes: 'strList',
      endpoint_params: 'strMap',
      proxy_url: 'anyUrl',
      tls_config: { struct: 'tls_config' },
    },
  },
  tls_config: {
    fields: {
      ...strs('ca_file', 'cert_file', 'key_file', 'server_name'),
      insecure_skip_verify: 'bool',
      min_version: 'tlsVersion',
      max_version: 'tlsVersion',
    },
  },
  sigv4: { fields: strs('region', 'access_key', 'secret_key', 'profile', 'role_arn') },
  discord: notifier({ webhook_url: 'secretUrl', title: 'str', message: 'str', webhook_url_file: 'str' }, [
    'webhook_url_file',
  ]),
  email: notifier({
    ...strs('to', 'from', 'hello', 'auth_username', 'auth_password', 'auth_password_file', 'auth_secret'),
    ...strs('auth_identity', 'html', 'text'),
    smarthost: 'hostPort',
    headers: 'strMap',
    require_tls: 'bool',
    tls_config: { struct: 'tls_config' },
  }),
  pagerduty: notifier({
    ...strs('service_key', 'service_key_file', 'routing_key', 'routing_key_file', 'client', 'client_url'),
    ...strs('description', 'source', 'severity', 'class', 'component', 'group'),
    url: 'url',
    details: 'strMap',
    images: { list: 'pagerduty_image' },
    links: { list: 'pagerduty_link' },
  }),
  pagerduty_image: { fields: strs('src', 'alt', 'href') },
  pagerduty_link: { fields: strs('href', 'text') },
  slack: notifier({
    api_url: 'secretUrl',
    ...strs(
      'api_url_file',
      'channel',
      'username',
      'color',
      'title',
      'title_link',
      'pretext',
      'text',
      'footer',
    ),
    ...strs('fallback', 'callback_id', 'icon_emoji', 'icon_url', 'image_url', 'thumb_url'),
    fields: { list: 'slack_field' },
    short_fields: 'bool',
    link_names: 'bool',
    mrkdwn_in: 'strList',
    actions: { list: 'slack_action' },
  }),
  slack_field: { fields: { title: 'str', value: 'str', short: 'bool' } },
  slack_action: {
    fields: {
      ...strs('type', 'text', 'url', 'style', 'name', 'value'),
      confirm: { struct: 'slack_confirm' },
    },
  },
  slack_confirm: { fields: strs('text', 'title', 'ok_text', 'dismiss_text') },
  webhook: notifier({ url: 'url', max_alerts: 'uint', url_file: 'str' }, ['url_file']),
  wechat: notifier({
    ...strs('api_secret', 'corp_id', 'message', 'to_user', 'to_party', 'to_tag', 'agent_id', 'message_type'),
    api_url: 'url',
  }),
  opsgenie: notifier({
    ...strs(
      'api_key',
      'api_key_file',
      'message',
      'description',
      'source',
      'entity',
      'actions',
      'tags',
      'note',
    ),
    priority: 'str',
    api_url: 'url',
    details: 'strMap',
    responders: { list: 'opsgenie_responder' },
    update_alerts: 'bool',
  }),
  opsgenie_responder: { fields: strs('id', 'name', 'username', 'type') },
  victorops: notifier({
    ...strs('api_key', 'api_key_file', 'routing_key', 'message_type', 'state_message', 'entity_display_name'),
    monitoring_tool: 'str',
    api_url: 'url',
    custom_fields: 'strMap',
  }),
  pushover: notifier({
    ...strs('user_key', 'token', 'title', 'message', 'url', 'url_title', 'sound', 'priority'),
    retry: 'goDuration',
    expire: 'goDuration',
    html: 'bool',
  }),
  sns: notifier({
    ...strs('api_url', 'topic_arn', 'phone_number', 'target_arn', 'subject', 'message'),
    sigv4: { struct: 'sigv4' },
    attributes: 'strMap',
  }),
  telegram: notifier(
    {
      api_url: 'url',
      bot_token: 'str',
      chat_id: 'int',
      message: 'str',
      disable_notifications: 'bool',
      parse_mode: 'str',
      bot_token_file: 'str',
    },
    ['bot_token_file'],
  ),
  webex: notifier({ api_url: 'url', message: 'str', room_id: 'str' }),
  msteams: notifier({ webhook_url: 'secretUrl', ...strs('webhook_url_file', 'title', 'summary', 'text') }),
  msteamsv2: notifier({ webhook_url: 'secretUrl', ...strs('webhook_url_file', 'title', 'text') }),
};
