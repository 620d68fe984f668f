import { defineSink, type Factory, type Sink, type SinkBatch, type WriteResult } from '@argus/core';
import { z } from 'zod';

/** Options of {@link templateSink}. */
export interface TemplateSinkOptions {
  /** Plugin name; unique within a pipeline. @default 'template' */
  name?: string;
  /** Log level of each line. @default 'info' */
  level?: 'debug' | 'info' | 'warn';
  /** Items summarised per line, at most. @default 10 */
  maxItemsPerLine?: number;
}

type Parsed = Required<TemplateSinkOptions>;

// isolatedDeclarations wants the schema's type spelled out: output type first, input type second
const schema: z.ZodType<Parsed, TemplateSinkOptions> = z.strictObject({
  name: z.string().default('template').describe('Plugin name; unique within a pipeline'),
  level: z.enum(['debug', 'info', 'warn']).default('info').describe('Log level of each line'),
  maxItemsPerLine: z.number().int().positive().default(10).describe('Items summarised per line, at most'),
});

function summarise(batch: SinkBatch, max: number): string[] {
  switch (batch.kind) {
    case 'alerts':
      return batch.alerts.slice(0, max).map((a) => `${a.labels['alertname'] ?? '?'} ${a.state}`);
    case 'findings':
      return batch.findings.slice(0, max).map((f) => `${f.kind} score=${f.score.toFixed(2)}`);
    case 'logs':
      return batch.records.slice(0, max).map((r) => r.message);
    case 'metrics':
      return [`${batch.length} samples`];
  }
}

/**
 * A sink that logs one line per batch through `ctx.log`. Copy this package to start a plugin: it shows the
 * options schema, a factory that does no I/O, `write` returning a WriteResult, and refusing writes after stop.
 * @example
 * createPipeline({ sources, sinks: [templateSink({ level: 'warn' })] });
 */
export const templateSink: Factory<z.ZodType<Parsed, TemplateSinkOptions>, Sink> = defineSink({
  name: 'template',
  options: schema,
  create(o) {
    let stopped = false;
    return {
      name: o.name,
      accepts: ['alerts', 'findings', 'logs', 'metrics'],
      write(batch, ctx): WriteResult {
        if (stopped) return { ok: false, retryable: false, error: new Error(`${o.name}: stopped`) };
        ctx.log[o.level](`${batch.kind}: ${summarise(batch, o.maxItemsPerLine).join('; ')}`);
        return { ok: true };
      },
      stop() {
        stopped = true;
      },
    };
  },
});
