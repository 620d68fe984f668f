import type { IntegrationFactory } from '@argus/alerting';
import { emailNotifier } from './email.js';
import { pagerdutyNotifier } from './pagerduty.js';
import { slackNotifier } from './slack.js';
import { teamsNotifier } from './teams.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Alertmanager receiver integrations for `loadAlertmanagerConfig(text, { integrations: notifierIntegrations })`:
 * `slack_configs` (`api_url`, or `global.slack_api_url`), `pagerduty_configs` (`routing_key`, `url`, or
 * `global.pagerduty_url`), `msteamsv2_configs` (`webhook_url`) and `email_configs` (`to`, `from`, `smarthost`,
 * `auth_username`, `auth_password`, `require_tls`, or their `global.smtp_*` forms), with Alertmanager's defaults
 * (`send_resolved` false for Slack and email, true for PagerDuty and Teams; `require_tls` true).
 */
export const notifierIntegrations: Record<string, IntegrationFactory> = {
  slack_configs: (c, g) =>
    slackNotifier({
      url: str(c['api_url']) ?? str(g['slack_api_url']) ?? '',
      sendResolved: (c['send_resolved'] as boolean | undefined) ?? false,
    }),
  pagerduty_configs: (c, g) => {
    const url = str(c['url']) ?? str(g['pagerduty_url']);
    return pagerdutyNotifier({
      routingKey: str(c['routing_key']) ?? '',
      ...(url ? { url: url.endsWith('/enqueue') ? url : `${url.replace(/\/$/, '')}/enqueue` } : {}),
      sendResolved: (c['send_resolved'] as boolean | undefined) ?? true,
    });
  },
  email_configs: (c, g) => {
    const [host, port] = (str(c['smarthost']) ?? str(g['smtp_smarthost']) ?? '').split(/:(?=\d+$)/);
    const user = str(c['auth_username']) ?? str(g['smtp_auth_username']);
    const pass = str(c['auth_password']) ?? str(g['smtp_auth_password']);
    return emailNotifier({
      host: host ?? '',
      port: Number(port ?? 25),
      requireTLS:
        (c['require_tls'] as boolean | undefined) ?? (g['smtp_require_tls'] as boolean | undefined) ?? true,
      ...(user && pass ? { auth: { user, pass } } : {}),
      from: str(c['from']) ?? str(g['smtp_from']) ?? '',
      to: str(c['to']) ?? '',
      sendResolved: (c['send_resolved'] as boolean | undefined) ?? false,
    });
  },
  msteamsv2_configs: (c) =>
    teamsNotifier({
      url: str(c['webhook_url']) ?? '',
      sendResolved: (c['send_resolved'] as boolean | undefined) ?? true,
    }),
};
