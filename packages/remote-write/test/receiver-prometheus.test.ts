// The receiver fed by a real Prometheus 2.42 (`remote_write` in its config): every sample Prometheus stored for a
// metric up to a chosen time arrives in an Argus pipeline, equal; a target that goes away arrives as stale samples.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPipeline, type Pipeline } from '@argus/core';
import {
  describeWithBinary,
  type MemorySink,
  memorySink,
  type RunningServer,
  startPrometheus,
  waitUntil,
} from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { remoteWriteReceiver } from '../src/index.js';

interface Matrix {
  metric: Record<string, string>;
  values: [number, string][];
}

async function stored(prom: RunningServer, selector: string, atSec: number): Promise<Matrix[]> {
  const u = `${prom.url}/api/v1/query?query=${encodeURIComponent(`${selector}[1h]`)}&time=${atSec}`;
  const body = (await (await fetch(u)).json()) as { status: string; data: { result: Matrix[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

const config = (receiver: string, probe: string): string => `
global: { scrape_interval: 1s, evaluation_interval: 1h }
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:__PORT__'] }]
  - job_name: probe
    static_configs: [{ targets: ['${probe}'] }]
remote_write:
  - url: ${receiver}
    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }
`;

describeWithBinary(
  [{ bin: 'prometheus', pkg: 'prometheus' }],
  'remoteWriteReceiver fed by a real Prometheus 2.42',
  () => {
    let prom: RunningServer;
    let pipeline: Pipeline;
    let sink: MemorySink;
    let probe: Server;
    beforeAll(async () => {
      probe = createServer((_req, res) => res.end('argus_rw_probe 42\n'));
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const receiver = remoteWriteReceiver({ listen: { port: 0 } });
      sink = memorySink({ accepts: ['metrics'] });
      pipeline = createPipeline({ sources: [receiver], sinks: [sink] });
      await pipeline.start();
      const probeAt = `127.0.0.1:${(probe.address() as AddressInfo).port}`;
      prom = await startPrometheus({
        config: ({ port }) => config(receiver.url()!, probeAt).replace('__PORT__', String(port)),
      });
    }, 60_000);
    afterAll(async () => {
      await prom?.stop();
      await pipeline?.stop({ timeoutMs: 5_000 });
      probe?.closeAllConnections();
      await new Promise<void>((r) => probe?.close(() => r()));
    });

    it('every sample Prometheus stored for a metric up to a chosen time arrives, equal', async () => {
      const selector = 'scrape_duration_seconds{job="self"}';
      let series: Matrix | undefined;
      await waitUntil('five scrapes stored in Prometheus', async () => {
        series = (await stored(prom, selector, Date.now() / 1000))[0];
        return (series?.values.length ?? 0) >= 5;
      });
      // a time some scrapes in the past: what Prometheus holds up to it is final
      const at = series!.values[series!.values.length - 3]![0];
      const expected = new Map(
        (await stored(prom, selector, at))[0]!.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]),
      );
      expect(expected.size).toBeGreaterThanOrEqual(3);
      const received = (): Map<number, number> =>
        new Map(
          sink
            .samples()
            .filter((s) => s.labels.__name__ === 'scrape_duration_seconds' && s.labels.job === 'self')
            .filter((s) => s.timestamp <= at * 1000)
            .map((s) => [s.timestamp, s.value]),
        );
      await waitUntil('the samples in Argus', () => [...expected.keys()].every((t) => received().has(t)));
      expect(received()).toEqual(expected);
      const one = sink
        .samples()
        .find((s) => s.labels.__name__ === 'scrape_duration_seconds' && s.labels.job === 'self');
      expect(one?.labels).toEqual({
        __name__: 'scrape_duration_seconds',
        job: 'self',
        instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      });
    }, 90_000);

    it('a target that goes away arrives as stale samples of its series', async () => {
      const probeSamples = () => sink.samples().filter((s) => s.labels.__name__ === 'argus_rw_probe');
      await waitUntil('a probe sample', () => probeSamples().some((s) => s.value === 42 && !s.stale));
      probe.closeAllConnections();
      await new Promise<void>((r) => probe.close(() => r()));
      await waitUntil('a staleness marker for the probe', () => probeSamples().some((s) => s.stale === true));
      const firstStale = probeSamples().findIndex((s) => s.stale);
      expect(probeSamples()[firstStale]!.value).toBeNaN();
      expect(
        probeSamples()
          .slice(0, firstStale)
          .every((s) => s.value === 42),
      ).toBe(true);
    }, 90_000);
  },
);
