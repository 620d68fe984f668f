import type { Logger, MetricBatch, PluginContext, SeriesRegistry } from '@argus/core';
import { z } from 'zod';

/**
 * The options both push receivers take. Each receiver's options interface extends this one and restates each
 * member's type from here only to document its own defaults, so the two cannot drift apart.
 */
export interface PushReceiverOptions {
  /** Plugin name, unique in the pipeline. */
  name?: string;
  /** Address to listen on; port 0 picks a free one. */
  listen?: { host?: string; port?: number };
  /** Path the senders post to. */
  path?: string;
  /** Largest accepted request body as sent, bytes. */
  maxBodyBytes?: number;
  /** Largest body once decoded, bytes. */
  maxDecodedBytes?: number;
  /** Require `Authorization: Bearer <token>`; at least 16 characters. */
  token?: string;
}

/** {@link PushReceiverOptions} once parsed: every default filled in. */
export type ParsedReceiverOptions = Required<Omit<PushReceiverOptions, 'listen' | 'token'>> & {
  listen: { host: string; port: number };
  token?: string | undefined;
};

/** A receiver's defaults and the words its schema's descriptions use. */
export interface ReceiverDefaults {
  name: string;
  port: number;
  path: string;
  /** Who posts to `path`, e.g. 'remote_write'. */
  sender: string;
  /** What `maxDecodedBytes` measures, e.g. 'uncompressed request'. */
  decoded: string;
}

/** The zod schema of a push receiver's options, with its own defaults. */
export function receiverOptionsSchema(
  d: ReceiverDefaults,
): z.ZodType<ParsedReceiverOptions, PushReceiverOptions> {
  return z.strictObject({
    name: z.string().default(d.name).describe('Plugin name, unique in the pipeline'),
    listen: z
      .strictObject({
        host: z.string().default('127.0.0.1').describe('Interface to bind'),
        port: z.number().int().min(0).max(65535).default(d.port).describe('Port; 0 picks a free one'),
      })
      .default({ host: '127.0.0.1', port: d.port })
      .describe('Address to listen on'),
    path: z.string().startsWith('/').default(d.path).describe(`Path ${d.sender} posts to`),
    maxBodyBytes: z.number().int().positive().default(10_485_760).describe('Largest request body, bytes'),
    maxDecodedBytes: z.number().int().positive().default(67_108_864).describe(`Largest ${d.decoded}, bytes`),
    token: z
      .string()
      .min(16, 'at least 16 characters (e.g. openssl rand -hex 24)')
      .optional()
      .describe('Bearer token'),
  });
}

/** What both receivers' handlers take from the parsed options and the pipeline's context. */
export interface CommonHandlerOptions {
  series: SeriesRegistry;
  emit(batch: MetricBatch): Promise<boolean>;
  maxBodyBytes: number;
  maxDecodedBytes: number;
  log: Logger;
  token?: string;
}

/** The handler options a receiver's listener passes on (the token only when one is set). */
export function handlerOptions(
  o: ParsedReceiverOptions,
  ctx: PluginContext,
  emit: (batch: MetricBatch) => Promise<boolean>,
): CommonHandlerOptions {
  const { maxBodyBytes, maxDecodedBytes, token } = o;
  return {
    series: ctx.series,
    emit,
    maxBodyBytes,
    maxDecodedBytes,
    log: ctx.log,
    ...(token ? { token } : {}),
  };
}
