import type { FindingBatch, PluginContext } from '@argus/core';
import { z } from 'zod';

const servers = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((s) => (Array.isArray(s) ? s : [s]))
  .describe('nats-server URL(s), e.g. `nats://127.0.0.1:4222`');
// JetStream names: no whitespace, dots, `*`, `>` or path separators
const streamName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, `_` and `-` only')
  .describe('JetStream stream name');
const duplicateWindowMs = z
  .number()
  .int()
  .positive()
  .default(120_000)
  .describe(
    "Stream's duplicate window when the plugin creates it, ms (a re-published batch inside it is stored once)",
  );

/** Options of `natsSink`. */
export interface NatsSinkOptions {
  /** nats-server URL(s). */
  servers: string | string[];
  /** Subject metric batches are published on, e.g. `argus.metrics.collector-0`; the sink takes metrics when set. */
  subject?: string;
  /** Subject findings are published on, e.g. `argus.findings.detector-0`; the sink takes findings when set. */
  findingsSubject?: string;
  /** Subject alert changes are published on, e.g. `argus.alerts.detector-0`; the sink takes alerts when set. */
  alertsSubject?: string;
  /** Stream that captures `subject`. @default 'ARGUS' */
  stream?: string;
  /** Create the stream (file storage) if it does not exist, capturing the subjects above. @default true */
  createStream?: boolean;
  /** @default 120000 */
  duplicateWindowMs?: number;
  /** Plugin name. @default 'nats' */
  name?: string;
}

/** `natsSink` options after defaults. */
export interface ParsedSinkOptions {
  servers: string[];
  subject?: string | undefined;
  findingsSubject?: string | undefined;
  alertsSubject?: string | undefined;
  stream: string;
  createStream: boolean;
  duplicateWindowMs: number;
  name?: string | undefined;
}

const concreteSubject = z.string().regex(/^[^\s*>]+$/, 'a concrete subject: no spaces and no wildcards');

export const sinkSchema: z.ZodType<ParsedSinkOptions, NatsSinkOptions> = z
  .strictObject({
    servers,
    subject: concreteSubject.optional().describe('Subject metric batches are published on'),
    findingsSubject: concreteSubject.optional().describe('Subject findings are published on'),
    alertsSubject: concreteSubject.optional().describe('Subject alert changes are published on'),
    stream: streamName.default('ARGUS'),
    createStream: z.boolean().default(true).describe('Create the stream if missing'),
    duplicateWindowMs,
    name: z.string().optional().describe('Plugin name'),
  })
  .refine((o) => o.subject || o.findingsSubject || o.alertsSubject, {
    message:
      'give subject (metrics), findingsSubject or alertsSubject: the sink publishes what has a subject',
    path: ['subject'],
  });

/** Options of `natsSource`. */
export interface NatsSourceOptions {
  /** nats-server URL(s). */
  servers: string | string[];
  /** Stream to consume. @default 'ARGUS' */
  stream?: string;
  /** Durable consumer name: a restarted source resumes where this consumer's acks left off. */
  consumer: string;
  /** Only messages on these subjects (wildcards allowed). @default every subject of the stream */
  filterSubject?: string;
  /** An unacknowledged batch is redelivered after this long (a killed consumer's batches come back). @default 30000 */
  ackWaitMs?: number;
  /** Backpressure: at most this many batches delivered and not yet acknowledged. @default 64 */
  maxAckPending?: number;
  /** Message ids remembered (in the pipeline's state store) to drop redelivered duplicates. @default 10000 */
  dedupeWindow?: number;
  /**
   * Receives the findings batches on the consumed subjects (series interned in the pipeline's registry: `ctx.series.labels(f.series)`); the
   * message is acknowledged once it resolves, redelivered if it throws. Without it, findings are acknowledged and
   * skipped (a pipeline source cannot emit findings: filter them out with `filterSubject`).
   */
  onFindings?: (batch: FindingBatch, ctx: PluginContext) => Promise<void> | void;
  /** Plugin name. @default 'nats' */
  name?: string;
}

/** `natsSource` options after defaults. */
export interface ParsedSourceOptions {
  servers: string[];
  stream: string;
  consumer: string;
  filterSubject?: string | undefined;
  ackWaitMs: number;
  maxAckPending: number;
  dedupeWindow: number;
  onFindings?: ((batch: FindingBatch, ctx: PluginContext) => Promise<void> | void) | undefined;
  name?: string | undefined;
}

export const sourceSchema: z.ZodType<ParsedSourceOptions, NatsSourceOptions> = z.strictObject({
  servers,
  stream: streamName.default('ARGUS'),
  consumer: streamName.describe('Durable consumer name'),
  filterSubject: z.string().min(1).optional().describe('Subject filter (wildcards allowed)'),
  ackWaitMs: z
    .number()
    .int()
    .min(1_000)
    .default(30_000)
    .describe('Redelivery after this long unacknowledged, ms'),
  maxAckPending: z
    .number()
    .int()
    .positive()
    .default(64)
    .describe('Batches delivered and not yet acknowledged'),
  dedupeWindow: z
    .number()
    .int()
    .nonnegative()
    .default(10_000)
    .describe('Message ids remembered to drop duplicates'),
  onFindings: z
    .custom<(batch: FindingBatch, ctx: PluginContext) => Promise<void> | void>(
      (v) => typeof v === 'function',
      'a function',
    )
    .optional()
    .describe('Receives findings batches; the message is acknowledged once it resolves'),
  name: z.string().optional().describe('Plugin name'),
});
