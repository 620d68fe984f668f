import { writeFile } from 'node:fs/promises';
import { defineSink, type Factory, type SeriesRegistry, type Sink, type SinkBatch } from '@argus/core';
import { z } from 'zod';

/** Options of {@link fileSink}. */
export interface FileSinkOptions {
  /** File to append JSON lines to; created on the first write. */
  path: string;
  /** @default 'file' */
  name?: string;
  /** @default ['alerts', 'findings'] */
  accepts?: ('alerts' | 'findings' | 'metrics')[];
}

type Parsed = Required<FileSinkOptions>;

const schema: z.ZodType<Parsed, FileSinkOptions> = z.strictObject({
  path: z.string().min(1).describe('File to append JSON lines to; created on the first write'),
  name: z.string().default('file').describe('Plugin name; unique within a pipeline'),
  accepts: z
    .array(z.enum(['alerts', 'findings', 'metrics']))
    .nonempty()
    .default(['alerts', 'findings'])
    .describe('Kinds of batch written'),
});

function toLines(batch: SinkBatch, series: SeriesRegistry): readonly unknown[] {
  if (batch.kind === 'alerts') return batch.alerts;
  if (batch.kind === 'findings')
    return batch.findings.map((f) => ({ ...f, labels: series.labels(f.series) }));
  if (batch.kind === 'logs') return batch.records;
  return Array.from(batch.values, (value, i) => ({
    labels: series.labels(batch.series[i]!),
    timestamp: batch.timestamps[i],
    value,
  }));
}

/**
 * Appends every alert (or finding, or sample) as one JSON line to a file. The factory does no I/O; each write
 * is one append under the write's deadline signal; failures come back as retryable results, never throws.
 */
export const fileSink: Factory<z.ZodType<Parsed, FileSinkOptions>, Sink> = defineSink({
  name: 'file',
  options: schema,
  create(o) {
    let stopped = false;
    return {
      name: o.name,
      accepts: o.accepts,
      async write(batch, ctx) {
        if (stopped) return { ok: false, retryable: false, error: new Error(`${o.name}: stopped`) };
        const text = toLines(batch, ctx.series)
          .map((l) => `${JSON.stringify(l)}\n`)
          .join('');
        try {
          await writeFile(o.path, text, { flag: 'a', signal: ctx.signal });
          return { ok: true };
        } catch (err) {
          return { ok: false, retryable: true, error: err instanceof Error ? err : new Error(String(err)) };
        }
      },
      stop() {
        stopped = true;
      },
    };
  },
});
