import type { Notification, Notifier } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { type ChatNotifierOptions, type ChatSchema, chatNotifier } from './chat.js';
import { alertLine, clip, title } from './common.js';

/**
 * Options of {@link teamsNotifier}: `url` is the Workflows "When a Teams webhook request is received" URL (a
 * secret: never logged); `maxAlerts` (alerts listed per card) defaults to 20.
 */
export type TeamsNotifierOptions = ChatNotifierOptions;

/** The message for a Teams workflow webhook: one Adaptive Card (1.2) with a heading, a line per alert and the common labels. */
export function teamsMessage(n: Notification): Record<string, unknown> {
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: clip(title(n), 200),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      style: 'heading',
      color: n.status === 'firing' ? 'Attention' : 'Good',
    },
    ...n.alerts.map((a) => ({
      type: 'TextBlock',
      text: clip(`${a.status === 'firing' ? '🔴' : '🟢'} ${alertLine(a, n.commonLabels)}`, 1000),
      wrap: true,
    })),
    { type: 'FactSet', facts: Object.entries(n.commonLabels).map(([k, v]) => ({ title: k, value: v })) },
  ];
  if (n.truncatedAlerts > 0)
    body.push({ type: 'TextBlock', text: `${n.truncatedAlerts} more not shown`, isSubtle: true, wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.2',
          body,
          msteams: { width: 'full' },
        },
      },
    ],
  };
}

/**
 * Microsoft Teams through a Workflows webhook, as one Adaptive Card (the retired connector `MessageCard` is not
 * sent). Any 2xx (usually 202) is success; 429 and 5xx are retried.
 * @example teamsNotifier({ url: process.env.TEAMS_WORKFLOW_URL! })
 */
export const teamsNotifier: Factory<ChatSchema, Notifier> = chatNotifier({
  name: 'teams',
  urlDescription: 'Teams Workflows webhook URL',
  maxAlertsDescription: 'Alerts listed per card',
  message: teamsMessage,
});
