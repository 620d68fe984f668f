// A natsSource restarted with other consumer options, against a real nats-server 2.9: nats-server keeps the durable
// consumer's config, so without an update the old ackWaitMs / maxAckPending would silently stay. The changeable
// options are updated in place; what cannot change fails the start naming the option and the fix.
import { silentLogger } from '@argus/core';
import { testContext } from '@argus/testkit';
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import { natsSource } from '../src/index.js';
import { describeWithNats } from './nats-server.js';

describeWithNats('natsSource consumer options on a live consumer', (nats) => {
  const STREAM = 'UPDATES';
  const jsm = async () => jetstreamManager(await nats.connection());
  beforeAll(async () => {
    await (await jsm()).streams.add({ name: STREAM, subjects: ['up.>'] });
  });
  const info = async (consumer: string) => (await (await jsm()).consumers.info(STREAM, consumer)).config;

  /** Starts and stops a source; resolves what it logged at info level, rejects with its start error. */
  const startOnce = async (o: Parameters<typeof natsSource>[0]): Promise<string[]> => {
    const logged: string[] = [];
    const ctx = { ...testContext(), log: { ...silentLogger, info: (m: string) => void logged.push(m) } };
    const source = natsSource(o);
    try {
      await source.start!(ctx);
    } finally {
      await source.stop!(ctx);
    }
    return logged;
  };

  it('updates ackWaitMs and maxAckPending of an existing consumer, and says so', async () => {
    const o = { servers: nats.url, stream: STREAM, consumer: 'tune', filterSubject: 'up.a.>' };
    expect(await startOnce({ ...o, ackWaitMs: 30_000, maxAckPending: 64 })).toEqual([]);
    expect(await info('tune')).toMatchObject({ ack_wait: nanos(30_000), max_ack_pending: 64 });
    const logged = await startOnce({ ...o, ackWaitMs: 5_000, maxAckPending: 4 });
    expect(await info('tune')).toMatchObject({
      ack_wait: nanos(5_000),
      max_ack_pending: 4,
      filter_subject: 'up.a.>',
    });
    expect(logged).toEqual([
      'nats source: consumer "tune" of stream "UPDATES" updated: ackWaitMs 30000 → 5000, maxAckPending 64 → 4',
    ]);
    // the same options again: nothing to do
    expect(await startOnce({ ...o, ackWaitMs: 5_000, maxAckPending: 4 })).toEqual([]);
  });

  it('changes the filterSubject in place (nats-server 2.9.10 accepts it)', async () => {
    const o = { servers: nats.url, stream: STREAM, consumer: 'filtered' };
    await startOnce({ ...o, filterSubject: 'up.a.>' });
    expect(await startOnce({ ...o, filterSubject: 'up.b.>' })).toEqual([
      'nats source: consumer "filtered" of stream "UPDATES" updated: filterSubject "up.a.>" → "up.b.>"',
    ]);
    expect(await info('filtered')).toMatchObject({ filter_subject: 'up.b.>' });
  });

  it('a consumer made by someone else with another deliver policy is refused, not taken over', async () => {
    await (await jsm()).consumers.add(STREAM, {
      durable_name: 'foreign',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    await expect(startOnce({ servers: nats.url, stream: STREAM, consumer: 'foreign' })).rejects.toThrow(
      /consumer "foreign" of stream "UPDATES" cannot change \(deliver policy\) new → all; delete the consumer/,
    );
  });
});
