import { defineNotifier, type Notifier, postJson } from '@argus/alerting';
import type { Factory } from '@argus/core';
import { z } from 'zod';
import type { AmTemplates } from './am/templates.js';
import { guarded, templatesOf, templatesOption } from './receiver.js';

/** Options of {@link discordNotifier} (Alertmanager's `discord_configs`). */
export interface DiscordNotifierOptions {
  /** The Discord webhook URL (a secret: never logged). */
  url: string;
  /** @default '{{ template "discord.default.title" . }}' */
  title?: string;
  /** @default '{{ template "discord.default.message" . }}' */
  message?: string;
  /** @default true */
  sendResolved?: boolean;
  templates?: AmTemplates;
}

interface Parsed {
  url: string;
  title: string;
  message: string;
  sendResolved: boolean;
  templates?: AmTemplates | undefined;
}

const schema: z.ZodType<Parsed, DiscordNotifierOptions> = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('Discord webhook URL'),
  title: z.string().default('{{ template "discord.default.title" . }}').describe('Embed title (a template)'),
  message: z
    .string()
    .default('{{ template "discord.default.message" . }}')
    .describe('Embed description (a template)'),
  sendResolved: z.boolean().default(true).describe('Send resolved notifications'),
  templates: templatesOption,
});

/** Discord's embed colours, as Alertmanager picks them. */
const COLOR = { firing: 0x992d22, resolved: 0x2ecc71 } as const;

/**
 * Discord through a webhook, as Alertmanager 0.25 sends it: `{content: "", embeds: [{title, description, color}]}`,
 * red while firing and green once resolved. Any 2xx (Discord answers 204) is success; 429 (after `Retry-After`)
 * and 5xx are retried, other 4xx are not.
 * @example discordNotifier({ url: process.env.DISCORD_WEBHOOK_URL! })
 */
export const discordNotifier: Factory<typeof schema, Notifier> = defineNotifier({
  name: 'discord',
  options: schema,
  create: (o) => ({
    sendResolved: o.sendResolved,
    send: (n, ctx) =>
      guarded('discord', () => {
        const t = templatesOf(o.templates);
        const embed = {
          title: t.text(o.title, n),
          description: t.text(o.message, n),
          color: COLOR[n.status],
        };
        return postJson({
          url: o.url,
          body: { content: '', embeds: [embed] },
          signal: ctx.signal,
          http: ctx.http,
          what: 'discord',
        });
      }),
  }),
});
