// The durable consumer a natsSource reads through. nats-server keeps a consumer's config, so a source restarted
// with other options would silently go on with the old ones: the options that nats-server can change on a live
// consumer are updated in place, and one it cannot change fails the start naming the option and the fix.
import { AckPolicy, type ConsumerConfig, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { errorText } from './connection.js';

/** What the source asks of its consumer (after defaults). */
export interface ConsumerWanted {
  stream: string;
  consumer: string;
  filterSubject?: string | undefined;
  ackWaitMs: number;
  maxAckPending: number;
}

interface Field {
  /** The natsSource option, for messages. */
  option: string;
  key: 'ack_wait' | 'max_ack_pending' | 'filter_subject' | 'ack_policy' | 'deliver_policy';
  /** How to show a value of the server's config in the option's own terms. */
  show: (v: unknown) => string;
  /** nats-server accepts a change on a live consumer. */
  changeable: boolean;
}

const FIELDS: readonly Field[] = [
  { option: 'ackWaitMs', key: 'ack_wait', show: (v) => String(Number(v) / 1e6), changeable: true },
  { option: 'maxAckPending', key: 'max_ack_pending', show: String, changeable: true },
  // nats-server 2.9.10 changes a filter subject in place (tested); a server that refuses has its error passed on
  { option: 'filterSubject', key: 'filter_subject', show: (v) => JSON.stringify(v ?? ''), changeable: true },
  { option: '(ack policy)', key: 'ack_policy', show: String, changeable: false },
  { option: '(deliver policy)', key: 'deliver_policy', show: String, changeable: false },
];

/** The consumer config a source creates. */
export function consumerConfig(w: ConsumerWanted): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: w.consumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(w.ackWaitMs),
    max_ack_pending: w.maxAckPending,
    deliver_policy: DeliverPolicy.All,
    // no filter: the field left out (the client puts a filter in the request's subject, where '' is invalid)
    ...(w.filterSubject ? { filter_subject: w.filterSubject } : {}),
  };
}

function fixHint(w: ConsumerWanted): string {
  return `delete the consumer (nats consumer rm ${w.stream} ${w.consumer}) to recreate it with these options, or name a new consumer`;
}

/**
 * Creates the durable consumer, or brings an existing one to `w`: changed options are updated in place (and
 * logged); an option nats-server cannot change throws naming it, both values and the fix.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  w: ConsumerWanted,
  log: { info(m: string): void },
): Promise<void> {
  const want = consumerConfig(w) as Record<string, unknown>;
  let have: Record<string, unknown>;
  try {
    have = (await jsm.consumers.info(w.stream, w.consumer)).config as unknown as Record<string, unknown>;
  } catch {
    await jsm.consumers.add(w.stream, want);
    return;
  }
  const changed = FIELDS.filter((f) => (have[f.key] ?? '') !== (want[f.key] ?? ''));
  if (changed.length === 0) return;
  const what = (f: Field) => `${f.option} ${f.show(have[f.key])} → ${f.show(want[f.key])}`;
  const fixed = changed.find((f) => !f.changeable);
  if (fixed) {
    throw new Error(
      `nats source: consumer "${w.consumer}" of stream "${w.stream}" cannot change ${what(fixed)}; ${fixHint(w)}`,
    );
  }
  const update = Object.fromEntries(changed.map((f) => [f.key, want[f.key] ?? '']));
  try {
    await jsm.consumers.update(w.stream, w.consumer, update);
  } catch (err) {
    throw new Error(
      `nats source: consumer "${w.consumer}" of stream "${w.stream}": nats-server refused ${changed.map(what).join(', ')} (${errorText(err)}); ${fixHint(w)}`,
    );
  }
  log.info(
    `nats source: consumer "${w.consumer}" of stream "${w.stream}" updated: ${changed.map(what).join(', ')}`,
  );
}
