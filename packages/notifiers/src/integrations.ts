import type { IntegrationFactory } from '@argus/alerting';
import { pagerdutyNotifier } from './pagerduty.js';
import { slackNotifier } from './slack.js';
import { teamsNotifier } from './teams.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Alertmanager receiver integrations for `loadAlertmanagerConfig(text, { integrations: notifierIntegrations })`:
 * `slack_configs` (`api_url`, or `global.slack_api_url`), `pagerduty_configs` (`routing_key`, `url`, or
 * `global.pagerduty_url`) and `msteamsv2_configs` (`webhook_url`), with Alertmanager's `send_resolved` defaults
 * (false for Slack, true for PagerDuty and Teams).
 */
export const notifierIntegrations: Record<string, IntegrationFactory> = {
  slack_configs: (c, g) =>
    slackNotifier({
      webhookUrl: str(c['api_url']) ?? str(g['slack_api_url']) ?? '',
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
  msteamsv2_configs: (c) =>
    teamsNotifier({
      webhookUrl: str(c['webhook_url']) ?? '',
      sendResolved: (c['send_resolved'] as boolean | undefined) ?? true,
    }),
};
