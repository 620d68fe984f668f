export type { AlertmanagerSinkOptions } from './alertmanager-sink.js';
export { alertmanagerSink } from './alertmanager-sink.js';
export { Alerts, AmAlert, KV, Pair, Pairs, TemplateData, templateData } from './am/data.js';
export { glob, loadTemplateFiles, templatesForConfig } from './am/files.js';
export type { AmTemplates, TemplateFile } from './am/templates.js';
export { alertmanagerFuncs, amTemplates, defaultAmTemplates } from './am/templates.js';
export type { ChatNotifierOptions, WebhookNotifierOptions } from './chat.js';
export type { DiscordNotifierOptions } from './discord.js';
export { discordNotifier } from './discord.js';
export type { EmailNotifierOptions } from './email.js';
export { emailMessage, emailNotifier } from './email.js';
export type { NotifierIntegrationsOptions } from './integrations.js';
export { createNotifierIntegrations, notifierIntegrations } from './integrations.js';
export type { OpsgenieNotifierOptions, OpsgenieRequest, OpsgenieResponder } from './opsgenie.js';
export { opsgenieNotifier, opsgenieRequests } from './opsgenie.js';
export type { PagerdutyNotifierOptions } from './pagerduty.js';
export { dedupKey, pagerdutyEvent, pagerdutyNotifier } from './pagerduty.js';
export type { PagerdutyEventsNotifierOptions } from './pagerduty-events.js';
export { pagerdutyEventsEvent, pagerdutyEventsNotifier } from './pagerduty-events.js';
export type { PagerdutyV1NotifierOptions } from './pagerduty-v1.js';
export { PAGERDUTY_DEFAULT_DETAILS, pagerdutyV1Event, pagerdutyV1Notifier } from './pagerduty-v1.js';
export type { PushoverNotifierOptions } from './pushover.js';
export { pushoverNotifier, pushoverParams } from './pushover.js';
export type {
  DeliveryFailureAlerts,
  DeliveryFailureAlertsOptions,
  WatchdogOptions,
} from './self-alerts.js';
export { deliveryFailureAlerts, startWatchdog } from './self-alerts.js';
export type { AwsCredentials, SigV4Request } from './sigv4.js';
export { signV4 } from './sigv4.js';
export type { SlackNotifierOptions } from './slack.js';
export { slackMessage, slackNotifier } from './slack.js';
export type { SlackAction, SlackAttachmentsNotifierOptions, SlackField } from './slack-attachments.js';
export { slackAttachmentMessage, slackAttachmentsNotifier } from './slack-attachments.js';
export type { SnsNotifierOptions } from './sns.js';
export { formEncode, snsNotifier, snsPublishParams } from './sns.js';
export type { TeamsNotifierOptions } from './teams.js';
export { teamsMessage, teamsNotifier } from './teams.js';
export type { TelegramNotifierOptions } from './telegram.js';
export { telegramMessage, telegramNotifier } from './telegram.js';
export type { VictoropsNotifierOptions } from './victorops.js';
export { victoropsEvent, victoropsNotifier } from './victorops.js';
export type { WebexNotifierOptions } from './webex.js';
export { webexNotifier } from './webex.js';
export type { WechatNotifierOptions } from './wechat.js';
export { wechatMessage, wechatNotifier } from './wechat.js';
