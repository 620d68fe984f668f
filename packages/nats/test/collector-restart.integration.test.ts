// The collector tier of a pipeline split over a real nats-server 2.9, killed (SIGKILL) mid-stream and started
// again: every batch its sink had published (the stream stored it) before the kill reaches the detection tier once;
// batches the process still held (made, not yet stored) are the documented loss; nothing arrives twice.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline } from '@argus/core';
import { memorySink, startServer, waitUntil } from '@argus/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { expect, it } from 'vitest';
import { natsSource } from '../src/index.js';
import { describeWithNats } from './nats-server.js';

const COLLECTOR = fileURLToPath(new URL('./fixtures/collector-tier.mjs', import.meta.url));

describeWithNats('collector tier restarted mid-stream', (nats) => {
  it('every batch published before a SIGKILL reaches the detection tier once; what it held is lost, and counted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-nats-collector-'));
    const made = join(dir, 'made.txt');
    const published = join(dir, 'published.txt');
    const numbers = async (file: string): Promise<number[]> =>
      (await readFile(file, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l !== '')
        .map(Number);
    const collector = (first: number) =>
      startServer({
        command: process.execPath,
        args: () => [COLLECTOR, nats.url, 'COLLECT', 'collect.metrics', String(first), made, published],
        readyCheck: async () => true,
      });
    const out = memorySink();
    const detection = createPipeline({
      sources: [natsSource({ servers: nats.url, stream: 'COLLECT', consumer: 'detect', ackWaitMs: 1_000 })],
      sinks: [out],
    });
    try {
      // the first collector creates the stream; the detection tier consumes from it
      const first = await collector(0);
      await waitUntil('20 batches published', async () => (await numbers(published)).length >= 20, 60_000);
      await detection.start();
      process.kill(first.pid, 'SIGKILL');
      await first.stop();
      const beforeKill = await numbers(published);
      const madeBeforeKill = await numbers(made);
      // started again: its source makes new batches (numbered from 100 000, so the two runs never collide)
      const second = await collector(100_000);
      await waitUntil(
        '20 batches published after the restart',
        async () => (await numbers(published)).filter((b) => b >= 100_000).length >= 20,
        60_000,
      );
      await second.stop(); // SIGTERM: a graceful stop flushes what the second run holds
      const all = await numbers(published);
      const jsm = await jetstreamManager(await nats.connection());
      const stored = (await jsm.streams.info('COLLECT')).state.messages;
      await waitUntil(
        'the detection tier to acknowledge every stored batch',
        async () => (await jsm.consumers.info('COLLECT', 'detect')).ack_floor.stream_seq === stored,
        60_000,
      );
      const arrived = out.samples().map((s) => s.value);
      const counts = new Map<number, number>();
      for (const b of arrived) counts.set(b, (counts.get(b) ?? 0) + 1);
      // once each: nothing twice, every batch the sink had published before the kill, and everything after
      expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
      for (const b of all) expect(counts.get(b), `batch ${b}`).toBe(1);
      expect(arrived.length).toBe(stored);
      // the loss: made by the killed process and never stored (at most the batch in flight and the sink's buffer)
      const lost = madeBeforeKill.filter((b) => !counts.has(b));
      expect(lost.every((b) => b > Math.max(...beforeKill))).toBe(true);
      // a batch stored whose ack the kill cut off arrives although the file never recorded it: still once
      expect(arrived.filter((b) => b < 100_000).length).toBe(madeBeforeKill.length - lost.length);
    } finally {
      await detection.stop({ timeoutMs: 5_000 });
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
