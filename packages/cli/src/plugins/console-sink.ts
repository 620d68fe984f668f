import { defineSink, type PluginContext, type Sink, type SinkBatch, type WriteResult } from '@argus/core';
import { z } from 'zod';
import { createPrinter, type Io, type Printer } from '../format.js';

const schema = z.strictObject({
  name: z.string().default('console').describe('Plugin name, unique in the pipeline'),
  findings: z.boolean().default(true).describe('Print findings too, not only alerts'),
  json: z.boolean().default(false).describe('One JSON object per line instead of readable lines'),
});

/** Options of {@link consoleSink}. */
export interface ConsoleSinkOptions {
  /** @default 'console' */
  name?: string;
  /** Print findings too, not only alerts. @default true */
  findings?: boolean;
  /** One JSON object per line. @default false */
  json?: boolean;
}

const stdoutIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  color: process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined,
};

function write(p: Printer, findings: boolean, batch: SinkBatch, ctx: PluginContext): WriteResult {
  if (batch.kind === 'alerts') for (const a of batch.alerts) p.alert(a);
  else if (batch.kind === 'findings' && findings)
    for (const f of batch.findings) p.finding(f, ctx.series.labels(f.series));
  return { ok: true };
}

/**
 * A sink printing findings and alerts as they happen, one line each (or JSON lines).
 * @example
 * consoleSink({ findings: false })
 */
export function consoleSink(options: ConsoleSinkOptions = {}, io: Io = stdoutIo): Sink {
  const define = defineSink({
    name: 'console',
    options: schema,
    create: (o) => {
      const printer = createPrinter(io, o.json);
      let closed = false;
      return {
        name: o.name,
        accepts: o.findings ? ['findings', 'alerts'] : ['alerts'],
        write: (batch: SinkBatch, ctx: PluginContext): WriteResult =>
          closed
            ? { ok: false, retryable: false, error: new Error('console sink is stopped') }
            : write(printer, o.findings, batch, ctx),
        stop: () => {
          closed = true;
        },
      };
    },
  });
  return define(options);
}

/** The schema of {@link consoleSink}'s options. */
export const consoleSinkSchema: z.ZodType<unknown, ConsoleSinkOptions> = schema;
