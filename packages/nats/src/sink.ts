import {
  defineSink,
  type Factory,
  type SeriesRegistry,
  type Sink,
  type SinkBatch,
  type SinkInputKind,
} from '@argus/core';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type NatsConnection, nuid } from '@nats-io/transport-node';
import { encodeMetrics } from './codec.js';
import { ensureStream, errorText as message, openConnection } from './connection.js';
import { encodeAlerts, encodeFindings } from './event-codec.js';
import { type NatsSinkOptions, sinkSchema } from './options.js';

type Kind = 'metrics' | 'findings' | 'alerts';

// what each kind of batch becomes on the wire; `undefined` for a batch with nothing in it
function encode(batch: SinkBatch, series: SeriesRegistry): Uint8Array | undefined {
  if (batch.kind === 'metrics') return batch.length === 0 ? undefined : encodeMetrics(batch, series);
  if (batch.kind === 'findings')
    return batch.findings.length === 0 ? undefined : encodeFindings(batch, series);
  if (batch.kind === 'alerts') return batch.alerts.length === 0 ? undefined : encodeAlerts(batch);
  return undefined;
}

/**
 * Publishes each metric batch (and, with `findingsSubject` / `alertsSubject`, each batch of findings and of alert
 * changes) to a JetStream stream, for a detection tier in other processes to consume with
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
    const subjects = new Map<Kind, string>();
    if (o.subject) subjects.set('metrics', o.subject);
    if (o.findingsSubject) subjects.set('findings', o.findingsSubject);
    if (o.alertsSubject) subjects.set('alerts', o.alertsSubject);
    const accepts: SinkInputKind[] = [...subjects.keys()];
    return {
      ...(o.name ? { name: o.name } : {}),
      accepts,
      async start() {
        nc = await openConnection(o.servers, `argus-sink-${[...subjects.values()][0]}`);
        await ensureStream(nc, {
          servers: o.servers,
          stream: o.stream,
          subjects: o.createStream ? [...subjects.values()] : undefined,
          duplicateWindowMs: o.duplicateWindowMs,
        });
        js = jetstream(nc);
      },
      async write(batch, ctx) {
        if (stopped || !js) return { ok: false, retryable: false, error: new Error('nats sink is stopped') };
        const subject = subjects.get(batch.kind as Kind);
        const data = subject === undefined ? undefined : encode(batch, ctx.series);
        if (subject === undefined || data === undefined) return { ok: true };
        let msgID = ids.get(batch);
        if (msgID === undefined) ids.set(batch, (msgID = `${producer}-${++seq}`));
        const timeout = Math.max(1, Math.min(30_000, ctx.deadline - ctx.clock.now()));
        try {
          await js.publish(subject, data, { msgID, timeout });
          return { ok: true };
        } catch (err) {
          return {
            ok: false,
            retryable: true,
            error: new Error(`nats sink: publish to ${subject} (stream ${o.stream}) failed: ${message(err)}`),
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
