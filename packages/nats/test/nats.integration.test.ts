// A pipeline split over a real nats-server 2.9 with JetStream: a collector tier (manualSource → natsSink) and a
// detection tier (natsSource → …). Every batch arrives equal; the detection tier killed (SIGKILL) after
// processing a batch and before acknowledging it gets it again when it returns and skips it (processed once); a
// stuck detection tier holds at most maxAckPending batches, the backlog stays in the stream;
// nats-server restarted mid-stream → nothing lost, nothing twice.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Alert, createPipeline, type Finding, type Labels } from '@argus/core';
import {
  batchFromRows,
  describeWithBinary,
  manualSource,
  memorySink,
  startNats,
  startServer,
  testContext,
  testSink,
  testSource,
  waitUntil,
} from '@argus/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { beforeAll, expect, it } from 'vitest';
import { natsSink, natsSource } from '../src/index.js';
import { describeWithNats } from './nats-server.js';

const TIER = fileURLToPath(new URL('./fixtures/detection-tier.mjs', import.meta.url));
const T0 = 1_700_000_000_000;
// batch b carries 3 series, each with value b at time T0 + b s: a received sample names its batch
const rowsOf = (b: number) =>
  [0, 1, 2].map((s) => ({
    labels: { __name__: 'nats_test', instance: `i${s}` },
    timestamp: T0 + b * 1_000,
    value: b,
  }));

interface Recorded {
  labels: Record<string, string>;
  t: number;
  v: number;
}
const perBatch = (rows: readonly { value?: number; v?: number }[]): Map<number, number> => {
  const m = new Map<number, number>();
  for (const r of rows) {
    const b = (r.value ?? r.v)!;
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  return m;
};

describeWithNats('a pipeline split over nats-server 2.9 JetStream', (nats) => {
  let n = 0;
  const unique = (p: string) => `${p}-${++n}`;
  const ackFloor = async (stream: string): Promise<number> => {
    const info = await (await jetstreamManager(await nats.connection())).consumers.info(stream, 'detect');
    return info.ack_floor.stream_seq;
  };

  /** Publishes batches 0 … count − 1 with a natsSink, each stored by the stream before the next. */
  const publish = async (subject: string, stream: string, count: number): Promise<void> => {
    const sink = natsSink({ servers: nats.url, subject, stream });
    const ctx = testContext();
    await sink.start!(ctx);
    for (let b = 0; b < count; b++)
      expect(await sink.write(batchFromRows(ctx.series, rowsOf(b)), ctx)).toEqual({ ok: true });
    await sink.stop!(ctx);
  };

  testSink(
    () => natsSink({ servers: nats.url, subject: `contract.${unique('sink')}`, stream: unique('CONTRACT') }),
    {
      title: 'natsSink',
      badOptions: () => natsSink({ servers: nats.url, subject: 'has space' }),
    },
  );

  const contractStream = 'SOURCE_CONTRACT';
  beforeAll(async () => {
    await (await jetstreamManager(await nats.connection())).streams.add({
      name: contractStream,
      subjects: ['contract.source'],
    });
  });
  testSource(() => natsSource({ servers: nats.url, stream: contractStream, consumer: unique('contract') }), {
    title: 'natsSource',
    capabilities: { listen: true },
    badOptions: () => natsSource({ servers: nats.url, consumer: 'a.b' }),
    produce: async () => {
      const sink = natsSink({ servers: nats.url, subject: 'contract.source', stream: contractStream });
      const ctx = testContext();
      await sink.start!(ctx);
      await sink.write(batchFromRows(ctx.series, rowsOf(1)), ctx);
      await sink.stop!(ctx);
    },
  });

  it('every batch the collector tier publishes reaches the detection tier, equal', async () => {
    const stream = unique('ROUNDTRIP');
    const source = manualSource();
    const collector = createPipeline({
      sources: [source],
      sinks: [natsSink({ servers: nats.url, subject: `rt.${stream}`, stream })],
    });
    const out = memorySink();
    const detection = createPipeline({
      sources: [natsSource({ servers: nats.url, stream, consumer: 'detect' })],
      sinks: [out],
    });
    await collector.start();
    await detection.start();
    try {
      for (let b = 0; b < 20; b++) await source.pushSamples(rowsOf(b));
      await waitUntil('all 60 samples', () => out.samples().length >= 60);
      await collector.stop();
      const got = out.samples().map((s) => ({ labels: s.labels, timestamp: s.timestamp, value: s.value }));
      const want = Array.from({ length: 20 }, (_, b) => rowsOf(b)).flat();
      expect(got).toEqual(want);
    } finally {
      await detection.stop();
    }
  }, 60_000);

  it('findings and alert changes cross too: alerts become alert events there, findings reach onFindings, a failed onFindings gets its batch again', async () => {
    const stream = unique('EVENTS');
    const sink = natsSink({
      servers: nats.url,
      findingsSubject: `ev.${stream}.findings`,
      alertsSubject: `ev.${stream}.alerts`,
      stream,
    });
    expect(sink.accepts).toEqual(['findings', 'alerts']);
    const ctx = testContext();
    await sink.start!(ctx);
    const latency = { __name__: 'latency_seconds', job: 'api' };
    const finding: Finding = {
      id: 'f1',
      series: ctx.series.intern(latency),
      timestamp: T0,
      value: 9,
      score: 0.95,
      kind: 'spike',
      detector: 'zscore',
      explanation: 'nine times the usual',
    };
    const alert = (alertname: string, state: Alert['state'], endsAt?: number): Alert => ({
      labels: { alertname, job: 'api' },
      annotations: { summary: `${alertname} on api` },
      state,
      startsAt: T0,
      fingerprint: alertname,
      origin: 'rules',
      ...(endsAt === undefined ? {} : { endsAt }),
    });
    expect(await sink.write({ kind: 'findings', findings: [finding] }, ctx)).toEqual({ ok: true });
    const alerts = [
      alert('HighLatency', 'firing'),
      alert('Slow', 'pending'),
      alert('Down', 'resolved', T0 + 60_000),
    ];
    expect(await sink.write({ kind: 'alerts', alerts }, ctx)).toEqual({ ok: true });
    await sink.stop!(ctx);

    // the receiving tier: its first onFindings call fails (a store down), so the batch is nak'ed and comes back
    const received: { labels: Labels; finding: Finding }[] = [];
    let failures = 1;
    const out = memorySink();
    const tier = createPipeline({
      sources: [
        natsSource({
          servers: nats.url,
          stream,
          consumer: 'detect',
          onFindings: (b, c) => {
            if (failures-- > 0) throw new Error('findings store down');
            for (const f of b.findings) received.push({ labels: c.series.labels(f.series), finding: f });
          },
        }),
      ],
      sinks: [out],
    });
    await tier.start();
    try {
      await waitUntil('both messages acknowledged', async () => (await ackFloor(stream)) === 2);
      expect(failures).toBe(-1); // called twice: the failure, then the redelivery
      expect(received).toEqual([
        { labels: latency, finding: { ...finding, series: received[0]!.finding.series } },
      ]);
      // the pending alert has not fired: only the firing and the resolved one arrive, once each
      expect(out.alerts().map((a) => [a.labels.alertname, a.state, a.startsAt, a.endsAt, a.origin])).toEqual([
        ['HighLatency', 'firing', T0, undefined, 'rules'],
        ['Down', 'resolved', T0, T0 + 60_000, 'rules'],
      ]);
    } finally {
      await tier.stop();
    }
  }, 60_000);

  it('backpressure: a detection tier that cannot keep up leaves the backlog in the stream, not in memory', async () => {
    const stream = unique('BACKLOG');
    await publish(`bp.${stream}`, stream, 40);
    // the detection tier's only sink is stuck until `release`, behind a one-batch blocking buffer
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const out = memorySink();
    const stuck = {
      ...out,
      write: async (...a: Parameters<typeof out.write>) => {
        await gate;
        return out.write(...a);
      },
    };
    const detection = createPipeline({
      sources: [natsSource({ servers: nats.url, stream, consumer: 'detect', maxAckPending: 4 })],
      sinks: [{ use: stuck, buffer: { maxBatches: 1, whenFull: 'block' } }],
    });
    const jsm = await jetstreamManager(await nats.connection());
    await detection.start();
    try {
      // with the sink stuck, what the pipeline took (acked) is bounded by its one-batch buffer, the next batch waits
      // to be taken, and the consumer stops delivering at 4 unacknowledged
      await waitUntil(
        'a fifth batch delivered',
        async () => (await jsm.consumers.info(stream, 'detect')).delivered.stream_seq >= 5,
      );
      const held = await jsm.consumers.info(stream, 'detect');
      expect(held.config.max_ack_pending).toBe(4);
      expect(held.num_ack_pending).toBe(4);
      expect(held.ack_floor.stream_seq).toBeLessThanOrEqual(2);
      expect(held.num_pending).toBe(40 - held.ack_floor.stream_seq - 4); // the backlog waits in the stream
      release();
      await waitUntil('all 40 batches', () => out.samples().length >= 120);
      await waitUntil('the consumer to acknowledge all 40', async () => (await ackFloor(stream)) === 40);
      const counts = perBatch(out.samples());
      for (let b = 0; b < 40; b++) expect(counts.get(b), `batch ${b}`).toBe(3);
    } finally {
      release();
      await detection.stop();
    }
  }, 60_000);

  it('a detection tier killed after processing a batch, before its ack, skips it when it returns: each batch once', async () => {
    const stream = unique('KILLED');
    const dir = await mkdtemp(join(tmpdir(), 'argus-nats-'));
    const record = join(dir, 'record.jsonl');
    const tier = (env: Record<string, string>) =>
      startServer({
        command: process.execPath,
        args: () => [TIER, nats.url, stream, 'detect', record, join(dir, 'state')],
        env,
        readyCheck: async () => true,
      });
    // publish 30 batches first: stream sequence k + 1 holds batch k
    await publish(`kill.${stream}`, stream, 30);
    const recorded = async (): Promise<Recorded[]> =>
      (await readFile(record, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Recorded);
    try {
      const first = await tier({ KILL_AFTER_SEEN: '12' });
      await waitUntil('the first detection tier to kill itself', () => {
        try {
          process.kill(first.pid, 0);
          return false;
        } catch {
          return true;
        }
      });
      await first.stop();
      // batch 11 (stream seq 12) was processed and recorded as seen, but its ack never left
      expect(perBatch(await recorded()).get(11)).toBe(3);
      const second = await tier({});
      try {
        // every message acknowledged, seq 12 included: its redelivery (after ackWait) has been handled
        await waitUntil('the consumer to acknowledge all 30', async () => (await ackFloor(stream)) === 30);
      } finally {
        await second.stop();
      }
      const after = perBatch(await recorded());
      for (let b = 0; b < 30; b++) expect(after.get(b), `batch ${b}`).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describeWithBinary([{ bin: 'nats-server', pkg: 'nats-server' }], 'nats-server restarted mid-stream', () => {
  it('loses nothing and delivers nothing twice: the sink retries, the source resumes its durable consumer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-nats-restart-'));
    let server = await startNats({ dataDir: dir });
    const url = `nats://127.0.0.1:${server.port}`;
    const source = manualSource();
    const collector = createPipeline({
      sources: [source],
      sinks: [
        { use: natsSink({ servers: url, subject: 'restart.metrics', stream: 'RESTART' }), maxRetries: 1_000 },
      ],
    });
    const out = memorySink();
    const detection = createPipeline({
      sources: [natsSource({ servers: url, stream: 'RESTART', consumer: 'detect', ackWaitMs: 1_000 })],
      sinks: [out],
    });
    let nc: NatsConnection | undefined;
    try {
      await collector.start();
      await detection.start();
      for (let b = 0; b < 10; b++) await source.pushSamples(rowsOf(b));
      await waitUntil('the first 10 batches', () => out.samples().length >= 30);
      await server.stop();
      // published while nats-server is down: they wait in the sink's buffer, retried with backoff
      for (let b = 10; b < 20; b++) await source.pushSamples(rowsOf(b));
      server = await startNats({ dataDir: dir, port: server.port });
      await waitUntil('all 20 batches', () => out.samples().length >= 60, 90_000);
      nc = await connect({ servers: url });
      const jsm = await jetstreamManager(nc);
      await waitUntil(
        'the consumer to acknowledge all 20',
        async () => (await jsm.consumers.info('RESTART', 'detect')).ack_floor.stream_seq === 20,
      );
      expect((await jsm.streams.info('RESTART')).state.messages).toBe(20);
      const counts = perBatch(out.samples());
      for (let b = 0; b < 20; b++) expect(counts.get(b), `batch ${b}`).toBe(3);
    } finally {
      await nc?.close();
      await collector.stop({ timeoutMs: 5_000 });
      await detection.stop({ timeoutMs: 5_000 });
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
