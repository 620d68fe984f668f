import {
  type Alert,
  type AlertEvent,
  defineSource,
  type Emit,
  type Factory,
  type PluginContext,
  type Source,
} from '@argus/core';
import { type ConsumerMessages, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureStream, errorText as message, openConnection } from './connection.js';
import { ensureConsumer } from './consumer.js';
import { loadSeen, type SeenSet } from './dedupe.js';
import { decodeBatch } from './event-codec.js';
import { type NatsSourceOptions, sourceSchema } from './options.js';

// alert changes from another Argus become external alert events here, as Azure Monitor's do: the alert manager of
// this pipeline (or, without one, its alert sinks) takes them. Pending alerts have not fired: nothing to pass on.
function toEvents(alerts: readonly Alert[]): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (const a of alerts) {
    if (a.state !== 'firing' && a.state !== 'resolved') continue;
    out.push({
      labels: a.labels,
      annotations: a.annotations,
      status: a.state,
      startsAt: a.startsAt,
      origin: a.origin,
      ...(a.endsAt === undefined ? {} : { endsAt: a.endsAt }),
      ...(a.generatorURL === undefined ? {} : { generatorURL: a.generatorURL }),
    });
  }
  return out;
}

/**
 * Consumes the batches `natsSink()` published (metrics; alert changes, which become alert events; findings, which
 * go to `onFindings`), through a durable JetStream consumer with explicit acks: a batch
 * is acknowledged only once the pipeline took it, so a process killed mid-stream gets its unacknowledged batches
 * again (after `ackWaitMs`) when it, or another member of the same consumer, comes back. Batches already processed
 * (their ack lost to a crash or a nats-server restart) are recognised by stream sequence and skipped.
 * `maxAckPending` bounds what is in flight: a slow pipeline holds the stream back instead of buffering without end.
 * @example natsSource({ servers: 'nats://127.0.0.1:4222', consumer: 'detectors', filterSubject: 'argus.metrics.>' })
 */
export const natsSource: Factory<typeof sourceSchema, Source> = defineSource({
  name: 'nats',
  options: sourceSchema,
  create(o) {
    let nc: NatsConnection | undefined;
    let messages: ConsumerMessages | undefined;
    let loop: Promise<void> | undefined;
    let stopped = false;

    let findingsWarned = false;
    // hands a decoded batch on; false when the pipeline no longer accepts data (the message goes back)
    const take = async (
      batch: ReturnType<typeof decodeBatch>,
      emit: Emit,
      ctx: PluginContext,
    ): Promise<boolean> => {
      if (batch.kind === 'metrics') return emit(batch);
      if (batch.kind === 'alerts') {
        const events = toEvents(batch.alerts);
        return events.length === 0 || emit({ kind: 'alertEvents', events });
      }
      if (o.onFindings) await o.onFindings(batch, ctx);
      else if (!findingsWarned) {
        findingsWarned = true;
        ctx.log.warn(
          `nats source: findings on stream ${o.stream} acknowledged and skipped (no onFindings; filterSubject can leave them out)`,
        );
      }
      return true;
    };

    const handle = async (m: JsMsg, emit: Emit, ctx: PluginContext, seen: SeenSet): Promise<void> => {
      if (seen.has(m.seq)) {
        ctx.metrics.count('nats_duplicates_skipped');
        m.ack();
        return;
      }
      let batch: ReturnType<typeof decodeBatch>;
      try {
        batch = decodeBatch(m.data, ctx.series);
      } catch (err) {
        // a batch no reader can decode would come back forever: terminate it, loudly
        ctx.log.error(`nats source: stream ${o.stream} message ${m.seq} dropped: ${message(err)}`);
        m.term(message(err));
        return;
      }
      if (!(await take(batch, emit, ctx))) {
        m.nak();
        return;
      }
      await seen.add(m.seq);
      await m.ackAck().catch((err: unknown) => {
        ctx.log.warn(
          `nats source: ack of message ${m.seq} failed (it will be redelivered and skipped): ${message(err)}`,
        );
      });
    };

    return {
      ...(o.name ? { name: o.name } : {}),
      async start(ctx) {
        nc = await openConnection(o.servers, `argus-source-${o.consumer}`);
        const jsm = await ensureStream(nc, { servers: o.servers, stream: o.stream, duplicateWindowMs: 1 });
        try {
          await ensureConsumer(jsm, o, ctx.log);
        } catch (err) {
          await nc.close().catch(() => undefined);
          nc = undefined;
          throw err;
        }
      },
      async listen(emit, ctx) {
        // stop() may come while this still sets up: then there is nothing to consume and no error to report
        let it: ConsumerMessages;
        let seen: SeenSet;
        try {
          if (!nc || stopped) return;
          seen = await loadSeen(ctx.state, o.dedupeWindow);
          const consumer = await jetstream(nc).consumers.get(o.stream, o.consumer);
          if (stopped) return;
          it = messages = await consumer.consume({ max_messages: o.maxAckPending });
        } catch (err) {
          if (stopped) return;
          throw err;
        }
        loop = (async () => {
          for await (const m of it) {
            if (stopped) break;
            await handle(m, emit, ctx, seen).catch((err: unknown) => {
              ctx.log.warn(
                `nats source: message ${m.seq} not processed (redelivered later): ${message(err)}`,
              );
              m.nak();
            });
          }
        })();
      },
      async stop() {
        stopped = true;
        await messages?.close().catch(() => undefined);
        await loop?.catch(() => undefined);
        await nc?.drain().catch(() => undefined);
      },
    };
  },
});

export type { NatsSourceOptions };
