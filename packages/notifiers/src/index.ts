export type { AlertmanagerSinkOptions } from './alertmanager-sink.js';
export { alertmanagerSink } from './alertmanager-sink.js';
export { notifierIntegrations } from './integrations.js';
export type { PagerdutyNotifierOptions } from './pagerduty.js';
export { dedupKey, pagerdutyEvent, pagerdutyNotifier } from './pagerduty.js';
export type { SlackNotifierOptions } from './slack.js';
export { slackMessage, slackNotifier } from './slack.js';
export type { TeamsNotifierOptions } from './teams.js';
export { teamsMessage, teamsNotifier } from './teams.js';
