import { defineSink, type Factory, type Sink } from '@argus/core';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type NatsConnection, nuid } from '@nats-io/transport-node';
import { encodeMetrics } from './codec.js';
import { ensureStream, errorText as message, openConnection } from './connection.js';
import { type NatsSinkOptions, sinkSchema } from './options.js';

/**
 * Publishes each metric batch to a JetStream stream, for a detection tier in other processes to consume with
 * `natsSource()`. A write succeeds once the stream stored the batch (its publish acknowledgement); a failure is
 * retryable and the pipeline's retry re-publishes under the same message id, which the stream's duplicate window
 * stores once. While nats-server is away, batches wait in the sink's buffer (its `buffer` and `whenFull`).
 * @example natsSink({ servers: 'nats://127.0.0.1:4222', subject: 'argus.metrics.collector-0' })
 */
export const natsSink: Factory<typeof sinkSchema, Sink> = defineSink({
  name: 'nats',
  options: sinkSchema,
  create(o) {
    let nc: NatsConnection | undefined;
    let js: JetStreamClient | undefined;
    let stopped = false;
    // a retry hands the same batch object back: it must carry the same message id for the stream to dedupe it
    const ids = new WeakMap<object, string>();
    const producer = nuid.next();
    let seq = 0;
    return {
      ...(o.name ? { name: o.name } : {}),
      accepts: ['metrics'],
      async start() {
        nc = await openConnection(o.servers, `argus-sink-${o.subject}`);
        await ensureStream(nc, {
          servers: o.servers,
          stream: o.stream,
          subjects: o.createStream ? [o.subject] : undefined,
          duplicateWindowMs: o.duplicateWindowMs,
        });
        js = jetstream(nc);
      },
      async write(batch, ctx) {
        if (stopped || !js) return { ok: false, retryable: false, error: new Error('nats sink is stopped') };
        if (batch.kind !== 'metrics' || batch.length === 0) return { ok: true };
        let msgID = ids.get(batch);
        if (msgID === undefined) ids.set(batch, (msgID = `${producer}-${++seq}`));
        const timeout = Math.max(1, Math.min(30_000, ctx.deadline - ctx.clock.now()));
        try {
          await js.publish(o.subject, encodeMetrics(batch, ctx.series), { msgID, timeout });
          return { ok: true };
        } catch (err) {
          return {
            ok: false,
            retryable: true,
            error: new Error(
              `nats sink: publish to ${o.subject} (stream ${o.stream}) failed: ${message(err)}`,
            ),
          };
        }
      },
      async stop() {
        stopped = true;
        await nc?.drain().catch(() => undefined);
      },
    };
  },
});

export type { NatsSinkOptions };
