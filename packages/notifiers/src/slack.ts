import type { Notification, Notifier } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { type ChatNotifierOptions, type ChatSchema, chatNotifier } from './chat.js';
import { alertLine, clip, title } from './common.js';

/**
 * Options of {@link slackNotifier}: `url` is the incoming-webhook URL `https://hooks.slack.com/services/…` (a
 * secret: never logged); `maxAlerts` (alerts listed per message, the rest counted) defaults to 20.
 */
export type SlackNotifierOptions = ChatNotifierOptions;

/** The Slack message for a notification: `text` as the fallback, `blocks` with a header, one section per alert, a context line. */
export function slackMessage(n: Notification): { text: string; blocks: unknown[] } {
  const head = title(n);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(head, 150) } },
    ...n.alerts.map((a) => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `${a.status === 'firing' ? ':red_circle:' : ':large_green_circle:'} ${alertLine(a, n.commonLabels)}`,
          3000,
        ),
      },
    })),
  ];
  const ctx = [`receiver *${n.receiver}*`, n.reason];
  if (n.truncatedAlerts > 0) ctx.push(`${n.truncatedAlerts} more not shown`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ctx.join(' · ') }] });
  return { text: head, blocks };
}

/**
 * Slack through an incoming webhook, with Block Kit blocks. 200 `ok` is success; 429 is retried after its
 * `Retry-After` (Slack allows about one message per second per webhook), 5xx with backoff, other 4xx not.
 * @example slackNotifier({ url: process.env.SLACK_WEBHOOK_URL! })
 */
export const slackNotifier: Factory<ChatSchema, Notifier> = chatNotifier({
  name: 'slack',
  urlDescription: 'Slack incoming-webhook URL',
  maxAlertsDescription: 'Alerts listed per message (Slack allows 50 blocks)',
  maxAlertsLimit: 45,
  message: slackMessage,
});
