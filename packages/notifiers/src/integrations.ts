import { type IntegrationFactory, tlsFromAlertmanager } from '@argus/alerting';
import type { AmTemplates } from './am/templates.js';
import { discordNotifier } from './discord.js';
import { emailNotifier } from './email.js';
import { opsgenieNotifier } from './opsgenie.js';
import { pagerdutyEventsNotifier } from './pagerduty-events.js';
import { pagerdutyV1Notifier } from './pagerduty-v1.js';
import { pushoverNotifier } from './pushover.js';
import { type SlackAction, slackAttachmentsNotifier } from './slack-attachments.js';
import { snsNotifier } from './sns.js';
import { teamsNotifier } from './teams.js';
import { telegramNotifier } from './telegram.js';
import { victoropsNotifier } from './victorops.js';
import { webexNotifier } from './webex.js';
import { wechatNotifier } from './wechat.js';

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
const strMap = (v: unknown): Record<string, string> | undefined =>
  v && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, String(x)]))
    : undefined;

/**
 * `{ key: value }` for each value that is set, so the notifier's own defaults apply to the others; typed as the
 * notifier's options, which its schema then checks (a missing required field fails naming it).
 */
function defined<T>(o: Obj): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Go's duration text (`1m`, `1h30m`, `90s`) in ms; undefined when absent or not a duration. */
function durationMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const units: Record<string, number> = {
    ms: 1,
    s: 1e3,
    m: 6e4,
    h: 3.6e6,
    d: 8.64e7,
    w: 6.048e8,
    y: 3.1536e10,
  };
  let ms = 0;
  for (const [, n, u] of v.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(n) * units[u!]!;
  return v === '' ? undefined : ms;
}

/** One of `slack_configs`' `actions` in the notifier's camelCase form. */
function slackAction(a: Obj): SlackAction {
  const c = a['confirm'] as Obj | undefined;
  return defined({
    type: str(a['type']),
    text: str(a['text']),
    url: str(a['url']),
    style: str(a['style']),
    name: str(a['name']),
    value: str(a['value']),
    confirm: c
      ? defined({
          title: str(c['title']),
          text: str(c['text']),
          okText: str(c['ok_text']),
          dismissText: str(c['dismiss_text']),
        })
      : undefined,
  });
}

/** Options of {@link createNotifierIntegrations}. */
export interface NotifierIntegrationsOptions {
  /** Alertmanager's template set with the config's `templates:` files: `amTemplates(loadTemplateFiles(globs, dir))`. */
  templates?: AmTemplates;
}

function chatAndEmail(templates: AmTemplates | undefined): Record<string, IntegrationFactory> {
  return {
    slack_configs: (c, g) => {
      const own = str(c['api_url']) ?? str(c['api_url_file']);
      return slackAttachmentsNotifier(
        defined({
          url: own ? str(c['api_url']) : str(g['slack_api_url']),
          urlFile: own ? str(c['api_url_file']) : str(g['slack_api_url_file']),
          channel: str(c['channel']),
          username: str(c['username']),
          color: str(c['color']),
          title: str(c['title']),
          titleLink: str(c['title_link']),
          pretext: str(c['pretext']),
          text: str(c['text']),
          fallback: str(c['fallback']),
          callbackId: str(c['callback_id']),
          footer: str(c['footer']),
          iconEmoji: str(c['icon_emoji']),
          iconUrl: str(c['icon_url']),
          imageUrl: str(c['image_url']),
          thumbUrl: str(c['thumb_url']),
          linkNames: c['link_names'] === true ? true : undefined,
          mrkdwnIn: Array.isArray(c['mrkdwn_in']) ? c['mrkdwn_in'].map(String) : undefined,
          fields: Array.isArray(c['fields']) ? c['fields'] : undefined,
          shortFields: c['short_fields'] === true ? true : undefined,
          actions: Array.isArray(c['actions']) ? (c['actions'] as Obj[]).map(slackAction) : undefined,
          sendResolved: bool(c['send_resolved'], false),
          templates,
        }),
      );
    },
    email_configs: (c, g) => {
      const [host, port] = (str(c['smarthost']) ?? str(g['smtp_smarthost']) ?? '').split(/:(?=\d+$)/);
      const user = str(c['auth_username']) ?? str(g['smtp_auth_username']);
      const own = str(c['auth_password']) ?? str(c['auth_password_file']);
      const pass = own ? str(c['auth_password']) : str(g['smtp_auth_password']);
      const passFile = own ? str(c['auth_password_file']) : str(g['smtp_auth_password_file']);
      const tls = tlsFromAlertmanager(c['tls_config'] as Obj | undefined);
      return emailNotifier({
        host: host ?? '',
        port: Number(port ?? 25),
        // Alertmanager speaks TLS from the first byte on port 465 and STARTTLS elsewhere.
        secure: port === '465',
        ...(str(c['hello']) ? { hello: str(c['hello'])! } : {}),
        ...(tls ? { tls } : {}),
        requireTLS: bool(c['require_tls'], bool(g['smtp_require_tls'], true)),
        ...(user && (pass || passFile) ? { auth: defined({ user, pass, passFile }) } : {}),
        from: str(c['from']) ?? str(g['smtp_from']) ?? '',
        to: str(c['to']) ?? '',
        sendResolved: bool(c['send_resolved'], false),
        alertmanager: defined({
          subject: str(((c['headers'] ?? {}) as Obj)['Subject']),
          html: typeof c['html'] === 'string' ? c['html'] : undefined,
          text: str(c['text']),
          templates,
        }),
      });
    },
    msteamsv2_configs: (c) =>
      teamsNotifier({ url: str(c['webhook_url']) ?? '', sendResolved: bool(c['send_resolved'], true) }),
  };
}

function pagerduty(templates: AmTemplates | undefined): IntegrationFactory {
  return (c, g) => {
    if (str(c['service_key']) || str(c['service_key_file'])) {
      return pagerdutyV1Notifier(
        defined({
          serviceKey: str(c['service_key']),
          serviceKeyFile: str(c['service_key_file']),
          url: str(c['url']),
          description: str(c['description']),
          client: str(c['client']),
          clientUrl: str(c['client_url']),
          details: strMap(c['details']),
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      );
    }
    return pagerdutyEventsNotifier(
      defined({
        routingKey: str(c['routing_key']),
        routingKeyFile: str(c['routing_key_file']),
        url: str(c['url']) ?? str(g['pagerduty_url']),
        description: str(c['description']),
        client: str(c['client']),
        clientUrl: str(c['client_url']),
        source: str(c['source']),
        severity: str(c['severity']),
        class: str(c['class']),
        component: str(c['component']),
        group: str(c['group']),
        details: strMap(c['details']),
        images: Array.isArray(c['images']) ? c['images'] : undefined,
        links: Array.isArray(c['links']) ? c['links'] : undefined,
        sendResolved: bool(c['send_resolved'], true),
        templates,
      }),
    );
  };
}

function incidentTools(templates: AmTemplates | undefined): Record<string, IntegrationFactory> {
  return {
    opsgenie_configs: (c, g) =>
      opsgenieNotifier(
        defined({
          apiKey: str(c['api_key']) ?? (str(c['api_key_file']) ? undefined : str(g['opsgenie_api_key'])),
          apiKeyFile:
            str(c['api_key_file']) ?? (str(c['api_key']) ? undefined : str(g['opsgenie_api_key_file'])),
          url: str(c['api_url']) ?? str(g['opsgenie_api_url']),
          message: str(c['message']),
          description: str(c['description']),
          source: str(c['source']),
          details: strMap(c['details']),
          responders: Array.isArray(c['responders']) ? c['responders'] : undefined,
          tags: str(c['tags']),
          note: str(c['note']),
          priority: str(c['priority']),
          entity: str(c['entity']),
          actions: str(c['actions']),
          updateAlerts: c['update_alerts'] === true ? true : undefined,
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      ),
    victorops_configs: (c, g) =>
      victoropsNotifier(
        defined({
          apiKey: str(c['api_key']) ?? (str(c['api_key_file']) ? undefined : str(g['victorops_api_key'])),
          apiKeyFile:
            str(c['api_key_file']) ?? (str(c['api_key']) ? undefined : str(g['victorops_api_key_file'])),
          url: str(c['api_url']) ?? str(g['victorops_api_url']),
          routingKey: str(c['routing_key']) ?? '',
          messageType: str(c['message_type']),
          stateMessage: str(c['state_message']),
          entityDisplayName: str(c['entity_display_name']),
          monitoringTool: str(c['monitoring_tool']),
          customFields: strMap(c['custom_fields']),
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      ),
    pushover_configs: (c) =>
      pushoverNotifier(
        defined({
          userKey: str(c['user_key']),
          userKeyFile: str(c['user_key_file']),
          token: str(c['token']),
          tokenFile: str(c['token_file']),
          title: str(c['title']),
          message: str(c['message']),
          link: str(c['url']),
          linkTitle: str(c['url_title']),
          sound: str(c['sound']),
          priority: str(c['priority']),
          retryMs: durationMs(c['retry']),
          expireMs: durationMs(c['expire']),
          html: c['html'] === true ? true : undefined,
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      ),
  };
}

function messengers(templates: AmTemplates | undefined): Record<string, IntegrationFactory> {
  return {
    telegram_configs: (c, g) =>
      telegramNotifier(
        defined({
          botToken: str(c['bot_token']),
          botTokenFile: str(c['bot_token_file']),
          chatId: typeof c['chat_id'] === 'number' ? c['chat_id'] : Number(c['chat_id'] ?? Number.NaN),
          url: str(c['api_url']) ?? str(g['telegram_api_url']),
          message: str(c['message']),
          disableNotifications: c['disable_notifications'] === true ? true : undefined,
          parseMode: typeof c['parse_mode'] === 'string' ? c['parse_mode'] : undefined,
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      ),
    discord_configs: (c) =>
      discordNotifier(
        defined({
          url: str(c['webhook_url']) ?? '',
          title: str(c['title']),
          message: str(c['message']),
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      ),
    webex_configs: (c, g) => {
      const auth = ((c['http_config'] as Obj | undefined)?.['authorization'] ?? {}) as Obj;
      return webexNotifier(
        defined({
          roomId: str(c['room_id']) ?? '',
          token: str(auth['credentials']),
          tokenFile: str(auth['credentials_file']),
          url: str(c['api_url']) ?? str(g['webex_api_url']),
          message: str(c['message']),
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      );
    },
    wechat_configs: (c, g) =>
      wechatNotifier(
        defined({
          apiSecret:
            str(c['api_secret']) ?? (str(c['api_secret_file']) ? undefined : str(g['wechat_api_secret'])),
          apiSecretFile: str(c['api_secret_file']),
          corpId: str(c['corp_id']) ?? str(g['wechat_api_corp_id']) ?? '',
          url: str(c['api_url']) ?? str(g['wechat_api_url']),
          message: str(c['message']),
          messageType: str(c['message_type']),
          toUser: str(c['to_user']),
          toParty: str(c['to_party']),
          toTag: str(c['to_tag']),
          agentId: str(c['agent_id']),
          sendResolved: bool(c['send_resolved'], false),
          templates,
        }),
      ),
    sns_configs: (c) => {
      const sig = (c['sigv4'] ?? {}) as Obj;
      return snsNotifier(
        defined({
          region: str(sig['region']) ?? process.env['AWS_REGION'] ?? '',
          url: str(c['api_url']),
          accessKey: str(sig['access_key']),
          secretKey: str(sig['secret_key']),
          profile: str(sig['profile']),
          roleArn: str(sig['role_arn']),
          // Alertmanager's AWS session sends every call to api_url when it is set, AssumeRole included.
          stsUrl: str(c['api_url']),
          topicArn: str(c['topic_arn']),
          targetArn: str(c['target_arn']),
          phoneNumber: str(c['phone_number']),
          subject: str(c['subject']),
          message: str(c['message']),
          attributes: strMap(c['attributes']),
          sendResolved: bool(c['send_resolved'], true),
          templates,
        }),
      );
    },
  };
}

/**
 * Alertmanager receiver integrations for `loadAlertmanagerConfig(text, { integrations })`, one factory per
 * `<type>_configs` key of Alertmanager 0.25 (plus `msteamsv2_configs`), reading Alertmanager's snake_case fields
 * and their `global` fallbacks, with Alertmanager's defaults (`send_resolved` false for Slack, email and WeChat,
 * true for the others). Receivers that render Alertmanager templates use `options.templates`.
 * @example loadAlertmanagerConfig(text, { integrations: createNotifierIntegrations({ templates: amTemplates(files) }) })
 */
export function createNotifierIntegrations(
  options: NotifierIntegrationsOptions = {},
): Record<string, IntegrationFactory> {
  const t = options.templates;
  return {
    ...chatAndEmail(t),
    pagerduty_configs: pagerduty(t),
    ...incidentTools(t),
    ...messengers(t),
  };
}

/** {@link createNotifierIntegrations} with Alertmanager's default templates only. */
export const notifierIntegrations: Record<string, IntegrationFactory> = createNotifierIntegrations();
