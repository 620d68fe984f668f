import { type Notification, type Notifier, postJson } from '@argus/alerting';
import { parseOptions } from '@argus/core';
import { z } from 'zod';
import { alertLine, clip, title } from './common.js';

/** Options of {@link teamsNotifier}. */
export interface TeamsNotifierOptions {
  /** The Workflows "When a Teams webhook request is received" URL (a secret: never logged). */
  webhookUrl: string;
  /** @default true */
  sendResolved?: boolean;
  /** Alerts listed per card. @default 20 */
  maxAlerts?: number;
}

interface Parsed {
  webhookUrl: string;
  sendResolved: boolean;
  maxAlerts: number;
}

const schema: z.ZodType<Parsed, TeamsNotifierOptions> = z.object({
  webhookUrl: z.url({ protocol: /^https?$/ }).describe('Teams Workflows webhook URL'),
  sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
  maxAlerts: z.number().int().positive().default(20).describe('Alerts listed per card'),
});

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
 * @example teamsNotifier({ webhookUrl: process.env.TEAMS_WORKFLOW_URL! })
 */
export function teamsNotifier(options: TeamsNotifierOptions): Notifier {
  const o = parseOptions(schema, options, 'teams-notifier');
  return {
    type: 'teams',
    sendResolved: o.sendResolved,
    maxAlerts: o.maxAlerts,
    send: (n, ctx) =>
      postJson({ url: o.webhookUrl, body: teamsMessage(n), signal: ctx.signal, what: 'teams' }),
  };
}
